/* frame-counter.c — LD_PRELOAD shim for bench/display: logs the monotonic
 * time (µs) of each frame a GTK 3 program paints (gdk_window_end_draw_frame,
 * which GTK 3 calls once per window per frame) to $BENCH_FRAME_LOG, so the
 * benchmark can count virt-viewer's frames the way it counts ours.
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void
gdk_window_end_draw_frame (void *window, void *context)
{
  static void (*real) (void *, void *);
  static FILE *log;
  struct timespec ts;

  if (real == NULL)
    real = (void (*) (void *, void *))dlsym (RTLD_NEXT, "gdk_window_end_draw_frame");
  real (window, context);
  if (log == NULL && getenv ("BENCH_FRAME_LOG") != NULL)
    log = fopen (getenv ("BENCH_FRAME_LOG"), "a");
  if (log == NULL)
    return;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  fprintf (log, "%lld\n", (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
  fflush (log);
}
