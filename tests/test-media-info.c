/* test-media-info.c — media detection against libosinfo's own osinfo-detect
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <glib/gstdio.h>

#include "terra-error.h"
#include "terra-machine-spec.h"
#include "terra-media-info.h"
#include "terra-vm-creator.h"

static char *tmpdir;

/* A small bootable ISO (El Torito, no emulation) with the given volume id,
 * made with xorriso: osinfo only identifies bootable media. */
static char *
make_iso (const char *volume_id)
{
  g_autofree char *src = g_build_filename (tmpdir, "src", NULL);
  g_autofree char *boot = g_build_filename (src, "boot.img", NULL);
  g_autofree char *name = g_compute_checksum_for_string (G_CHECKSUM_MD5, volume_id, -1);
  g_autofree char *iso = g_strdup_printf ("%s/%s.iso", tmpdir, name);
  g_autofree char *zeros = g_malloc0 (2048);
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = { "xorriso", "-as", "mkisofs", "-quiet", "-V", volume_id,
                         "-b", "boot.img", "-no-emul-boot", "-o", iso, src, NULL };

  g_mkdir_with_parents (src, 0755);
  g_assert_true (g_file_set_contents (boot, zeros, 2048, NULL));
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&iso);
}

/* What libosinfo's own tool says, "NAME (ARCH)", or NULL. osinfo-detect
 * 1.10 prints only plain text: "Media is an installer for OS 'Debian 11 (x86_64)'". */
static char *
osinfo_detect (const char *path)
{
  const char *argv[] = { "osinfo-detect", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *q = strchr (lines[i], '\'');
      const char *end = strrchr (lines[i], '\'');
      if (g_str_has_prefix (lines[i], "Media is ") && strstr (lines[i], " for OS ") && q != NULL && end > q)
        return g_strndup (q + 1, end - q - 1);
    }
  return NULL;
}

static void
test_known_media_matches_osinfo_detect (void)
{
  const struct { const char *volid; const char *short_id; } cases[] = {
    { "Debian 11.5.0 amd64 n", "debian11" },
    { "Fedora-WS-Live-36-1-5", "fedora36" },
    { "Ubuntu-Server 22.04.1 LTS amd64", "ubuntu22.04" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *iso = make_iso (cases[i].volid);
      g_autofree char *expected = osinfo_detect (iso);
      g_autoptr(GError) error = NULL;
      g_autoptr(TerraMediaInfo) info = terra_media_info_detect_sync (iso, NULL, &error);
      g_autofree char *name_arch = NULL;
      TerraResources rec;

      g_assert_no_error (error);
      g_assert_nonnull (expected);
      g_assert_true (terra_media_info_get_identified (info));
      name_arch = g_strdup_printf ("%s (%s)", terra_media_info_get_os_name (info),
                                   terra_media_info_get_arch (info));
      g_assert_cmpstr (name_arch, ==, expected);
      g_assert_cmpstr (terra_media_info_get_os_short_id (info), ==, cases[i].short_id);
      g_assert_cmpstr (terra_media_info_get_volume_id (info), ==, cases[i].volid);
      g_assert_cmpstr (terra_media_info_get_arch (info), ==, "x86_64");
      terra_media_info_get_recommended (info, &rec);
      g_assert_cmpuint (rec.memory_mib, >=, 1024);
      g_assert_cmpuint (rec.disk_gib, >=, 5);
    }
}

static void
test_unknown_media (void)
{
  /* Newer than osinfo-db 20221130: the volume id gives a guess and the
   * nearest known release of that distribution gives the settings. */
  const struct { const char *volid; const char *family; const char *guess; const char *nearest; } cases[] = {
    { "Debian 12.5.0 amd64 n", "debian", "Debian 12", "debian11" },
    { "Ubuntu 24.04 LTS amd64", "ubuntu", "Ubuntu 24.04", "ubuntu22.10" },
    { "CCCOMA_X64FRE_EN-US_DV9", "winnt", NULL, NULL },
    { "MY_OWN_DISC", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *iso = make_iso (cases[i].volid);
      g_autofree char *expected = osinfo_detect (iso);
      g_autoptr(GError) error = NULL;
      g_autoptr(TerraMediaInfo) info = terra_media_info_detect_sync (iso, NULL, &error);
      OsinfoOs *nearest;
      TerraResources rec;

      g_assert_no_error (error);
      g_assert_null (expected);
      g_assert_false (terra_media_info_get_identified (info));
      g_assert_null (terra_media_info_get_os_id (info));
      g_assert_null (terra_media_info_get_os_name (info));
      g_assert_cmpstr (terra_media_info_get_family (info), ==, cases[i].family);
      g_assert_cmpstr (terra_media_info_get_guess_name (info), ==, cases[i].guess);
      nearest = terra_media_info_get_nearest_os (info);
      g_assert_cmpstr (nearest ? osinfo_product_get_short_id (OSINFO_PRODUCT (nearest)) : NULL, ==, cases[i].nearest);
      terra_media_info_get_recommended (info, &rec);
      if (cases[i].nearest != NULL)
        g_assert_cmpuint (rec.memory_mib, >, 0);   /* the nearest release's */
      else
        g_assert_cmpuint (rec.memory_mib, ==, 0);
      /* What the create flow pre-fills: the guessed name, the nearest OS. */
      {
        g_autoptr(TerraMachineSpec) spec = terra_vm_creator_suggest_spec (info, NULL, NULL);
        if (cases[i].guess != NULL)
          {
            g_assert_cmpstr (spec->name, ==, cases[i].guess);
            g_assert_cmpstr (spec->os_name, ==, cases[i].guess);
            g_assert_cmpstr (spec->os_short_id, ==, cases[i].nearest);
            g_assert_cmpuint (spec->memory_mib, ==, rec.memory_mib);
          }
        else
          g_assert_null (spec->os_id);
      }
    }
}

static void
assert_invalid (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMediaInfo) info = terra_media_info_detect_sync (path, NULL, &error);

  g_assert_null (info);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA);
  g_test_message ("%s → %s", path, error->message);
}

static void
test_bad_media (void)
{
  g_autofree char *missing = g_build_filename (tmpdir, "missing.iso", NULL);
  g_autofree char *empty = g_build_filename (tmpdir, "empty.iso", NULL);
  g_autofree char *text = g_build_filename (tmpdir, "notes.iso", NULL);
  g_autofree char *fifo = g_build_filename (tmpdir, "fifo.iso", NULL);
  g_autofree char *big = g_build_filename (tmpdir, "zeros.iso", NULL);
  g_autofree char *zeros = g_malloc0 (64 * 1024);

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "hello, not a disc\n", -1, NULL));
  g_assert_true (g_file_set_contents (big, zeros, 64 * 1024, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  assert_invalid (missing);
  assert_invalid (tmpdir);      /* a folder */
  assert_invalid (empty);
  assert_invalid (text);
  assert_invalid (big);         /* no ISO 9660 signature */
  assert_invalid (fifo);        /* refused without opening (would block) */
  assert_invalid ("");
  assert_invalid ("/dev/null");

  /* Nothing was changed or removed. */
  g_assert_true (g_file_test (text, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (fifo, G_FILE_TEST_EXISTS));
}

static void
test_spec_validate (void)
{
  g_autoptr(TerraMachineSpec) spec = terra_machine_spec_new ();
  g_autoptr(TerraMachineSpec) copy = NULL;
  const struct { const char *name; int code; } names[] = {
    { NULL, TERRA_ERROR_INVALID_NAME }, { "", TERRA_ERROR_INVALID_NAME }, { "   ", TERRA_ERROR_INVALID_NAME },
    { "a/b", TERRA_ERROR_INVALID_NAME }, { "line\nbreak", TERRA_ERROR_INVALID_NAME },
    { " lead", TERRA_ERROR_INVALID_NAME }, { "ok name <&> ü", 0 },
  };

  spec->memory_mib = 1024;
  spec->vcpus = 1;
  spec->disk_gib = 8;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_free (spec->name);
      spec->name = g_strdup (names[i].name);
      if (names[i].code == 0)
        g_assert_true (terra_machine_spec_validate (spec, &error));
      else
        {
          g_assert_false (terra_machine_spec_validate (spec, &error));
          g_assert_error (error, TERRA_ERROR, names[i].code);
        }
    }
  g_free (spec->name);
  spec->name = g_strnfill (101, 'x');
  g_assert_false (terra_machine_spec_validate (spec, NULL));
  spec->name[100] = '\0';
  g_assert_true (terra_machine_spec_validate (spec, NULL));

  spec->memory_mib = 127;
  g_assert_false (terra_machine_spec_validate (spec, NULL));
  spec->memory_mib = 128;
  spec->vcpus = 0;
  g_assert_false (terra_machine_spec_validate (spec, NULL));
  spec->vcpus = 256;
  g_assert_false (terra_machine_spec_validate (spec, NULL));
  spec->vcpus = 255;
  spec->disk_gib = 0;
  g_assert_false (terra_machine_spec_validate (spec, NULL));
  spec->disk_gib = 1;
  g_assert_true (terra_machine_spec_validate (spec, NULL));

  copy = terra_machine_spec_copy (spec);
  g_assert_cmpstr (copy->name, ==, spec->name);
  g_assert_true (copy->name != spec->name);
  g_assert_cmpuint (copy->vcpus, ==, 255);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("terra-media-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/media-info/known-matches-osinfo-detect", test_known_media_matches_osinfo_detect);
  g_test_add_func ("/media-info/unknown", test_unknown_media);
  g_test_add_func ("/media-info/bad-media", test_bad_media);
  g_test_add_func ("/machine-spec/validate", test_spec_validate);
  ret = g_test_run ();

  {
    const char *rm[] = { "rm", "-rf", tmpdir, NULL };
    g_spawn_sync (NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  g_free (tmpdir);
  return ret;
}
