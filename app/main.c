/* main.c — entry point of the terrarium GUI
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "terra-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TerraApplication) app = NULL;

#ifdef __GLIBC__
  /* A guest's screen is redrawn through two frame-sized temporary images
   * (GTK's cairo renderer: 4 MiB each at 1280×800) dozens of times a
   * second. Left to glibc's defaults they are mmapped and unmapped each
   * frame, or the top of the heap is trimmed, and every frame faults
   * their pages in again: serve them from the heap and keep it. */
  mallopt (M_MMAP_THRESHOLD, 32 << 20);
  mallopt (M_TRIM_THRESHOLD, 64 << 20);
#endif
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Terrarium"));
  app = terra_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
