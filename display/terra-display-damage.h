/* terra-display-damage.h — the changed parts of a guest surface, bounded
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Past this many rectangles the damage becomes their bounding box: SPICE
 * sends thousands of small invalidates a second while a guest scrolls text,
 * and copying one box is cheaper than walking that many (spice-gtk and
 * libmks clamp the same way). */
#define TERRA_DAMAGE_MAX_RECTS 32

typedef struct {
  int x, y, width, height;
} TerraDamageRect;

/**
 * TerraDamage:
 * @rects: the damaged rectangles, inside the surface, not empty
 * @n_rects: how many of @rects are used
 * @surface_width: the surface's width in pixels
 * @surface_height: the surface's height in pixels
 *
 * What changed on a surface since it was last copied: up to
 * %TERRA_DAMAGE_MAX_RECTS rectangles, or one bounding box.
 */
typedef struct {
  TerraDamageRect rects[TERRA_DAMAGE_MAX_RECTS];
  guint           n_rects;
  int             surface_width;
  int             surface_height;
} TerraDamage;

/**
 * terra_damage_reset:
 * @damage: a damage record
 * @width: the surface's width in pixels
 * @height: the surface's height in pixels
 * @all: %TRUE for the whole surface damaged, %FALSE for none
 */
static inline void
terra_damage_reset (TerraDamage *damage,
                    int          width,
                    int          height,
                    gboolean     all)
{
  damage->surface_width = MAX (width, 0);
  damage->surface_height = MAX (height, 0);
  damage->n_rects = 0;
  if (all && damage->surface_width > 0 && damage->surface_height > 0)
    {
      damage->rects[0] = (TerraDamageRect) { 0, 0, damage->surface_width, damage->surface_height };
      damage->n_rects = 1;
    }
}

/**
 * terra_damage_add:
 * @damage: a damage record
 * @x: left edge, surface pixels (may be outside the surface)
 * @y: top edge
 * @width: width in pixels
 * @height: height in pixels
 *
 * Adds a changed rectangle, clipped to the surface (nothing when it falls
 * outside or is empty). Past %TERRA_DAMAGE_MAX_RECTS rectangles the record
 * becomes the bounding box of all of them.
 */
static inline void
terra_damage_add (TerraDamage *damage,
                  int          x,
                  int          y,
                  int          width,
                  int          height)
{
  int x1 = MAX (x, 0);
  int y1 = MAX (y, 0);
  int x2 = MIN (x + MAX (width, 0), damage->surface_width);
  int y2 = MIN (y + MAX (height, 0), damage->surface_height);

  if (x2 <= x1 || y2 <= y1)
    return;
  /* Nothing to add when a rectangle already covers it; drop the ones it
   * covers (so no pixel is copied twice for the usual repaints). */
  for (guint i = 0; i < damage->n_rects; i++)
    {
      const TerraDamageRect *r = &damage->rects[i];
      if (r->x <= x1 && r->y <= y1 && r->x + r->width >= x2 && r->y + r->height >= y2)
        return;
      if (x1 <= r->x && y1 <= r->y && x2 >= r->x + r->width && y2 >= r->y + r->height)
        damage->rects[i--] = damage->rects[--damage->n_rects];
    }
  if (damage->n_rects < TERRA_DAMAGE_MAX_RECTS)
    {
      damage->rects[damage->n_rects++] = (TerraDamageRect) { x1, y1, x2 - x1, y2 - y1 };
      return;
    }
  /* Clamp: one box around everything. */
  for (guint i = 0; i < damage->n_rects; i++)
    {
      x1 = MIN (x1, damage->rects[i].x);
      y1 = MIN (y1, damage->rects[i].y);
      x2 = MAX (x2, damage->rects[i].x + damage->rects[i].width);
      y2 = MAX (y2, damage->rects[i].y + damage->rects[i].height);
    }
  damage->rects[0] = (TerraDamageRect) { x1, y1, x2 - x1, y2 - y1 };
  damage->n_rects = 1;
}

/**
 * terra_damage_area:
 * @damage: a damage record
 *
 * Returns: the pixels a copy of the damage touches (overlaps counted twice)
 */
static inline guint64
terra_damage_area (const TerraDamage *damage)
{
  guint64 area = 0;
  for (guint i = 0; i < damage->n_rects; i++)
    area += (guint64)damage->rects[i].width * damage->rects[i].height;
  return area;
}

G_END_DECLS
