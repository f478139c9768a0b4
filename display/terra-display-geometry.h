/* terra-display-geometry.h — fitting a guest surface into a widget
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure arithmetic, GTK-free, so it is unit-tested.
 */
#pragma once

#include <math.h>

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  double x;      /* left edge of the guest image in the widget */
  double y;      /* top edge */
  double scale;  /* widget pixels per guest pixel */
} TerraDisplayFit;

/* Up-scaling by less than this fraction shows the guest 1:1 instead. */
#define TERRA_DISPLAY_SNAP 0.1

/**
 * terra_display_fit:
 * @widget_w: widget width (logical pixels)
 * @widget_h: widget height
 * @guest_w: guest surface width (guest pixels)
 * @guest_h: guest surface height
 *
 * Scales the guest to fill the widget as far as its aspect ratio allows
 * (up or down), centred, with bars on the two remaining sides (letterbox).
 * A guest just smaller than the widget (less than TERRA_DISPLAY_SNAP, 10 %)
 * is shown at its own size, centred on whole pixels: blowing it up by a few
 * per cent would only blur its text (and cost a filtered scale a frame).
 * A zero or negative size gives the identity (scale 1 at the origin).
 *
 * Returns: where the guest image goes
 */
static inline TerraDisplayFit
terra_display_fit (double widget_w,
                   double widget_h,
                   int    guest_w,
                   int    guest_h)
{
  TerraDisplayFit fit = { 0, 0, 1.0 };

  if (guest_w <= 0 || guest_h <= 0 || widget_w <= 0 || widget_h <= 0)
    return fit;
  fit.scale = MIN (widget_w / guest_w, widget_h / guest_h);
  if (fit.scale >= 1.0 && fit.scale < 1.0 + TERRA_DISPLAY_SNAP)
    {
      fit.scale = 1.0;
      fit.x = floor ((widget_w - guest_w) / 2.0);
      fit.y = floor ((widget_h - guest_h) / 2.0);
      return fit;
    }
  fit.x = (widget_w - guest_w * fit.scale) / 2.0;
  fit.y = (widget_h - guest_h * fit.scale) / 2.0;
  return fit;
}

/**
 * terra_display_fit_to_guest:
 * @fit: from terra_display_fit()
 * @wx: widget x
 * @wy: widget y
 * @guest_w: guest width
 * @guest_h: guest height
 * @gx: (out): guest x, clamped to [0, guest_w - 1]
 * @gy: (out): guest y, clamped to [0, guest_h - 1]
 *
 * Returns: whether (@wx, @wy) lies on the guest image (not the letterbox)
 */
static inline gboolean
terra_display_fit_to_guest (const TerraDisplayFit *fit,
                            double                 wx,
                            double                 wy,
                            int                    guest_w,
                            int                    guest_h,
                            int                   *gx,
                            int                   *gy)
{
  double fx = (wx - fit->x) / fit->scale;
  double fy = (wy - fit->y) / fit->scale;
  gboolean inside = fx >= 0 && fy >= 0 && fx < guest_w && fy < guest_h;

  *gx = CLAMP ((int)fx, 0, MAX (guest_w - 1, 0));
  *gy = CLAMP ((int)fy, 0, MAX (guest_h - 1, 0));
  return inside;
}

G_END_DECLS
