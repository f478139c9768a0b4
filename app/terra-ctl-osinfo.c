/* terra-ctl-osinfo.c — `terrarium-ctl osinfo list` and `terrarium-ctl download`
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terrarium-ctl"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "terra-download.h"
#include "terra-error.h"
#include "terra-os-catalog.h"
#include "terra-os-db.h"
#include "terra-settings.h"
#include "terra-ctl-private.h"

int
terra_ctl_cmd_osinfo (Ctl   *ctl,
                      int    argc,
                      char **argv)
{
  g_autofree char *family = NULL;
  gboolean json = FALSE, downloads = FALSE;
  GOptionEntry entries[] = {
    { "family", 0, 0, G_OPTION_ARG_STRING, &family, N_("Only this family (linux, winnt, freebsd, …)"), N_("FAMILY") },
    { "downloads", 0, 0, G_OPTION_ARG_NONE, &downloads, N_("Only media that can be downloaded (x86_64), one line each"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) releases = NULL;
  OsinfoDb *db;
  int code;

  if (argc < 2 || !g_str_equal (argv[1], "list"))
    return usage_error (_("Use: osinfo list [--family F] [--downloads] [--json]"));
  argc--;
  argv++;
  if (!parse_options (entries, NULL, _("The operating systems libosinfo knows, newest first"),
                      &argc, &argv, 0, &code))
    return code;

  db = terra_os_db_get (&error);
  if (db == NULL)
    return fail (error);
  releases = terra_os_catalog_list (db, family, downloads, NULL);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < releases->len; i++)
        {
          TerraOsRelease *r = releases->pdata[i];
          json_builder_begin_object (b);
          add_nullable_string (b, "key", r->key);
          add_nullable_string (b, "id", r->os_id);
          add_nullable_string (b, "short_id", r->short_id);
          add_nullable_string (b, "name", r->name);
          add_nullable_string (b, "family", r->family);
          add_nullable_string (b, "distro", r->distro);
          add_nullable_string (b, "version", r->version);
          add_nullable_string (b, "release_date", r->release_date);
          add_nullable_string (b, "eol_date", r->eol_date);
          json_builder_set_member_name (b, "eol");
          json_builder_add_boolean_value (b, r->eol);
          add_nullable_string (b, "url", r->url);
          json_builder_set_member_name (b, "live");
          json_builder_add_boolean_value (b, r->live);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      print_json (root);
      return EXIT_OK;
    }

  for (guint i = 0; i < releases->len; i++)
    {
      TerraOsRelease *r = releases->pdata[i];
      g_print ("%-28s %-40s %-10s %s\n", r->key, r->name,
               r->release_date ? r->release_date : "-",
               r->eol ? _("end of life") : "");
    }
  return EXIT_OK;
}

typedef struct {
  GMainLoop    *loop;
  GCancellable *cancellable;
  gboolean      quiet;
  guint64       last_received;
  char         *path;
  GError       *error;
} Download;

static char *
format_mib (guint64 bytes)
{
  return g_strdup_printf (_("%.1f MiB"), bytes / 1048576.0);
}

/* On the download thread: one line per report, on stderr. */
static void
on_progress (guint64  received,
             guint64  total,
             double   rate,
             gpointer user_data)
{
  Download *d = user_data;
  g_autofree char *got = format_mib (received);
  g_autofree char *speed = format_mib ((guint64)rate);

  d->last_received = received;
  if (d->quiet)
    return;
  if (total > 0)
    {
      g_autofree char *of = format_mib (total);
      if (rate > 0 && total > received)
        g_printerr (_("Downloaded %s of %s (%d %%), %s/s, %d s left\n"), got, of,
                    (int)(received * 100 / total), speed, (int)((total - received) / rate + 0.5));
      else
        g_printerr (_("Downloaded %s of %s (%d %%)\n"), got, of, (int)(received * 100 / total));
    }
  else
    g_printerr (_("Downloaded %s, %s/s\n"), got, speed);
}

typedef struct {
  char *url;
  char *directory;
  char *sha256;
} DownloadJob;

static void
download_job_free (DownloadJob *job)
{
  g_free (job->url);
  g_free (job->directory);
  g_free (job->sha256);
  g_free (job);
}

static void
download_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DownloadJob *job = task_data;
  Download *d = g_object_get_data (G_OBJECT (task), "download");
  GError *error = NULL;
  char *path = terra_download_sync (job->url, job->directory, job->sha256, on_progress, d, cancellable, &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Download *d = user_data;
  d->path = g_task_propagate_pointer (G_TASK (result), &d->error);
  g_main_loop_quit (d->loop);
}

static gboolean
on_interrupt (gpointer user_data)
{
  Download *d = user_data;
  g_cancellable_cancel (d->cancellable);
  return G_SOURCE_CONTINUE;
}

int
terra_ctl_cmd_download (Ctl   *ctl,
                        int    argc,
                        char **argv)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *directory = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "sha256", 0, 0, G_OPTION_ARG_STRING, &sha256, N_("The SHA-256 the file must have (libosinfo has none)"), N_("HEX") },
    { "directory", 0, 0, G_OPTION_ARG_FILENAME, &directory, N_("Where to put it (default: the images folder)"), N_("DIR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("No progress lines; print the result as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraOsRelease) release = NULL;
  g_autoptr(TerraSettings) settings = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *target = NULL;
  g_autofree char *part = NULL;
  DownloadJob *job;
  Download d = { 0 };
  GStatBuf st;
  guint sigint, sigterm;
  int code;

  if (!parse_options (entries, _("OS_ID[:VARIANT]"), _("Download an OS’s installer media from the address libosinfo gives"),
                      &argc, &argv, 1, &code))
    return code;
  if (sha256 != NULL && (strlen (sha256) != 64 || strspn (sha256, "0123456789abcdefABCDEF") != 64))
    return usage_error (_("--sha256 takes 64 hexadecimal digits."));

  if (terra_os_db_get (&error) == NULL)
    return fail (error);
  release = terra_os_catalog_find_download (terra_os_db_get (NULL), argv[1], &error);
  if (release == NULL)
    return fail (error);

  if (directory == NULL)
    {
      settings = terra_settings_new ();
      directory = terra_settings_dup_images_dir (settings);
    }
  target = terra_download_dup_target (release->url, directory);
  part = g_strconcat (target, ".part", NULL);
  if (!json)
    {
      g_printerr (_("Downloading %s from %s\n"), release->name, release->url);
      if (g_stat (part, &st) == 0 && st.st_size > 0)
        {
          g_autofree char *have = format_mib (st.st_size);
          g_printerr (_("Resuming the earlier download at %s\n"), have);
        }
    }

  d.loop = g_main_loop_new (NULL, FALSE);
  d.cancellable = g_cancellable_new ();
  d.quiet = json;
  job = g_new0 (DownloadJob, 1);
  job->url = g_strdup (release->url);
  job->directory = g_strdup (directory);
  job->sha256 = g_strdup (sha256);
  task = g_task_new (NULL, d.cancellable, on_downloaded, &d);
  g_task_set_task_data (task, job, (GDestroyNotify)download_job_free);
  g_object_set_data (G_OBJECT (task), "download", &d);
  /* Ctrl+C (or SIGTERM) stops the download and keeps what came so far. */
  sigint = g_unix_signal_add (SIGINT, on_interrupt, &d);
  sigterm = g_unix_signal_add (SIGTERM, on_interrupt, &d);
  g_task_run_in_thread (task, download_thread);
  g_clear_object (&task);
  g_main_loop_run (d.loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (d.loop);
  g_object_unref (d.cancellable);

  if (d.path == NULL)
    {
      if (g_error_matches (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *got = format_mib (d.last_received);
          g_printerr (_("terrarium-ctl: download stopped after %s; run the same command again to resume it.\n"), got);
          g_error_free (d.error);
          return 130;
        }
      code = fail (d.error);
      g_error_free (d.error);
      return code;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      json_builder_begin_object (b);
      add_nullable_string (b, "key", release->key);
      add_nullable_string (b, "name", release->name);
      add_nullable_string (b, "url", release->url);
      add_nullable_string (b, "path", d.path);
      add_nullable_string (b, "sha256", sha256);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      print_json (root);
    }
  else
    g_print ("%s\n", d.path);
  g_free (d.path);
  return EXIT_OK;
}
