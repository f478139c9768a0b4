/* test-display-geometry.c — fitting the guest surface into the display widget
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "terra-display-damage.h"
#include "terra-display-geometry.h"

static void
test_letterbox (void)
{
  /* 720×400 VGA text mode in a 950×622 widget: width-bound, bars top and bottom. */
  TerraDisplayFit fit = terra_display_fit (950, 622, 720, 400);

  g_assert_cmpfloat_with_epsilon (fit.scale, 950.0 / 720.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit.y, (622 - 400 * 950.0 / 720.0) / 2, 1e-9);

  /* 1024×768 in 1920×1080: height-bound, bars left and right. */
  fit = terra_display_fit (1920, 1080, 1024, 768);
  g_assert_cmpfloat_with_epsilon (fit.scale, 1080.0 / 768.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit.y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit.x, (1920 - 1024 * 1080.0 / 768.0) / 2, 1e-9);

  /* Same size: 1:1 at the origin. */
  fit = terra_display_fit (800, 600, 800, 600);
  g_assert_cmpfloat (fit.scale, ==, 1.0);
  g_assert_cmpfloat (fit.x, ==, 0);
  g_assert_cmpfloat (fit.y, ==, 0);
}

/* A guest a little smaller than the widget is shown 1:1 (crisp), centred on
 * whole pixels; a downscale never snaps (it would crop the guest), and a
 * clearly bigger widget still scales up. */
static void
test_snap (void)
{
  int gx, gy;
  /* 1280×800 in a 1290×868 widget: would be ×1.0078. */
  TerraDisplayFit fit = terra_display_fit (1290, 868, 1280, 800);

  g_assert_cmpfloat (fit.scale, ==, 1.0);
  g_assert_cmpfloat (fit.x, ==, 5);
  g_assert_cmpfloat (fit.y, ==, 34);
  g_assert_true (terra_display_fit_to_guest (&fit, 5 + 640, 34 + 400, 1280, 800, &gx, &gy));
  g_assert_cmpint (gx, ==, 640);
  g_assert_cmpint (gy, ==, 400);

  /* odd bars: whole pixels */
  fit = terra_display_fit (1291, 869, 1280, 800);
  g_assert_cmpfloat (fit.x, ==, 5);
  g_assert_cmpfloat (fit.y, ==, 34);

  /* ×0.99: scaled down, never cropped */
  fit = terra_display_fit (1267.2, 792, 1280, 800);
  g_assert_cmpfloat_with_epsilon (fit.scale, 0.99, 1e-9);

  /* ×1.25: scaled up */
  fit = terra_display_fit (1000, 750, 800, 600);
  g_assert_cmpfloat_with_epsilon (fit.scale, 1.25, 1e-9);
}

static void
test_degenerate (void)
{
  /* No surface yet, or a widget not allocated: identity, no division by zero. */
  TerraDisplayFit fit = terra_display_fit (800, 600, 0, 0);
  g_assert_cmpfloat (fit.scale, ==, 1.0);
  fit = terra_display_fit (0, 0, 640, 480);
  g_assert_cmpfloat (fit.scale, ==, 1.0);
  fit = terra_display_fit (800, 600, -5, 480);
  g_assert_cmpfloat (fit.scale, ==, 1.0);
}

static void
test_pointer_mapping (void)
{
  TerraDisplayFit fit = terra_display_fit (1600, 1000, 800, 600); /* scale 5/3, bars left/right */
  int gx, gy;

  /* Widget centre is guest centre. */
  g_assert_true (terra_display_fit_to_guest (&fit, 800, 500, 800, 600, &gx, &gy));
  g_assert_cmpint (gx, ==, 400);
  g_assert_cmpint (gy, ==, 300);

  /* Top-left corner of the image. */
  g_assert_true (terra_display_fit_to_guest (&fit, fit.x, 0, 800, 600, &gx, &gy));
  g_assert_cmpint (gx, ==, 0);
  g_assert_cmpint (gy, ==, 0);

  /* In the letterbox: outside, clamped to the nearest edge. */
  g_assert_false (terra_display_fit_to_guest (&fit, 10, 500, 800, 600, &gx, &gy));
  g_assert_cmpint (gx, ==, 0);
  g_assert_cmpint (gy, ==, 300);
  g_assert_false (terra_display_fit_to_guest (&fit, 1599, 999, 800, 600, &gx, &gy));
  g_assert_cmpint (gx, ==, 799);
  g_assert_cmpint (gy, ==, 599);

  /* Round trip for every guest column on one row. */
  for (int x = 0; x < 800; x++)
    {
      double wx = fit.x + (x + 0.5) * fit.scale;
      g_assert_true (terra_display_fit_to_guest (&fit, wx, 500, 800, 600, &gx, &gy));
      g_assert_cmpint (gx, ==, x);
    }
}

/* Damage is clipped to the surface; empty and outside rectangles vanish. */
static void
test_damage_clip (void)
{
  TerraDamage d;

  terra_damage_reset (&d, 640, 480, FALSE);
  g_assert_cmpuint (d.n_rects, ==, 0);
  terra_damage_add (&d, -10, -10, 20, 20);
  g_assert_cmpuint (d.n_rects, ==, 1);
  g_assert_cmpint (d.rects[0].x, ==, 0);
  g_assert_cmpint (d.rects[0].y, ==, 0);
  g_assert_cmpint (d.rects[0].width, ==, 10);
  g_assert_cmpint (d.rects[0].height, ==, 10);
  terra_damage_add (&d, 630, 470, 100, 100);
  g_assert_cmpint (d.rects[1].width, ==, 10);
  g_assert_cmpint (d.rects[1].height, ==, 10);
  terra_damage_add (&d, 700, 10, 5, 5);    /* outside */
  terra_damage_add (&d, 10, 10, 0, 5);     /* empty */
  terra_damage_add (&d, 10, 10, -5, 5);    /* negative */
  g_assert_cmpuint (d.n_rects, ==, 2);
  g_assert_cmpuint (terra_damage_area (&d), ==, 200);

  terra_damage_reset (&d, 640, 480, TRUE);
  g_assert_cmpuint (d.n_rects, ==, 1);
  g_assert_cmpuint (terra_damage_area (&d), ==, 640 * 480);
  terra_damage_reset (&d, 0, 0, TRUE);
  g_assert_cmpuint (d.n_rects, ==, 0);
}

/* Thousands of invalidates (a scrolling text console) stay bounded: past
 * TERRA_DAMAGE_MAX_RECTS they become their bounding box. */
static void
test_damage_clamp (void)
{
  TerraDamage d;

  terra_damage_reset (&d, 1024, 768, FALSE);
  for (int i = 0; i < TERRA_DAMAGE_MAX_RECTS; i++)
    terra_damage_add (&d, 8 * i, 16 * i, 8, 16);
  g_assert_cmpuint (d.n_rects, ==, TERRA_DAMAGE_MAX_RECTS);
  g_assert_cmpuint (terra_damage_area (&d), ==, TERRA_DAMAGE_MAX_RECTS * 8 * 16);

  terra_damage_add (&d, 1000, 700, 8, 16);
  g_assert_cmpuint (d.n_rects, ==, 1);
  g_assert_cmpint (d.rects[0].x, ==, 0);
  g_assert_cmpint (d.rects[0].y, ==, 0);
  g_assert_cmpint (d.rects[0].width, ==, 1008);
  g_assert_cmpint (d.rects[0].height, ==, 716);

  /* However many more come, the record stays within its bound and every
   * rectangle added is inside one of its rectangles. */
  for (int i = 0; i < 5000; i++)
    {
      int x = (i * 37) % 1024, y = (i * 91) % 768;
      int w = MIN (8, 1024 - x), h = MIN (16, 768 - y);
      gboolean covered = FALSE;

      terra_damage_add (&d, x, y, 8, 16);
      g_assert_cmpuint (d.n_rects, <=, TERRA_DAMAGE_MAX_RECTS);
      for (guint j = 0; j < d.n_rects; j++)
        covered |= d.rects[j].x <= x && d.rects[j].y <= y &&
                   d.rects[j].x + d.rects[j].width >= x + w && d.rects[j].y + d.rects[j].height >= y + h;
      g_assert_true (covered);
    }
}

/* Rectangles inside others are not kept twice: a repaint of what is already
 * damaged adds nothing, and a bigger one replaces those it covers. */
static void
test_damage_contained (void)
{
  TerraDamage d;

  terra_damage_reset (&d, 1024, 768, FALSE);
  terra_damage_add (&d, 100, 100, 50, 50);
  terra_damage_add (&d, 110, 110, 10, 10);      /* inside */
  terra_damage_add (&d, 100, 100, 50, 50);      /* the same */
  g_assert_cmpuint (d.n_rects, ==, 1);
  terra_damage_add (&d, 300, 300, 10, 10);
  terra_damage_add (&d, 0, 0, 200, 200);        /* covers the first */
  g_assert_cmpuint (d.n_rects, ==, 2);
  g_assert_cmpuint (terra_damage_area (&d), ==, 200 * 200 + 10 * 10);

  /* A whole-surface repaint after a clamp stays one rectangle. */
  terra_damage_reset (&d, 1024, 768, TRUE);
  for (int i = 0; i < 100; i++)
    terra_damage_add (&d, (i * 64) % 1024, (i * 48) % 768, 64, 48);
  g_assert_cmpuint (d.n_rects, ==, 1);
  g_assert_cmpuint (terra_damage_area (&d), ==, 1024 * 768);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/display-geometry/letterbox", test_letterbox);
  g_test_add_func ("/display-geometry/degenerate", test_degenerate);
  g_test_add_func ("/display-geometry/snap", test_snap);
  g_test_add_func ("/display-geometry/pointer-mapping", test_pointer_mapping);
  g_test_add_func ("/display-damage/clip", test_damage_clip);
  g_test_add_func ("/display-damage/clamp", test_damage_clamp);
  g_test_add_func ("/display-damage/contained", test_damage_contained);
  return g_test_run ();
}
