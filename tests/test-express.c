/* test-express.c — express installs: libosinfo's scripts generated from our
 * answers and put where each installer looks for them, on installer discs
 * laid out as libosinfo says (built here with libarchive: Debian's
 * install.amd/, Fedora's images/pxeboot/, a Windows disc).
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-express.h"
#include "terra-os-db.h"

static char *tmp_dir;

/* An ISO 9660 image at @path holding @names with small contents. */
static void
write_iso (const char         *path,
           const char         *volume_id,
           const char * const *names)
{
  struct archive *a = archive_write_new ();

  archive_write_set_format_iso9660 (a);
  g_assert_cmpint (archive_write_set_format_option (a, "iso9660", "volume-id", volume_id), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_write_open_filename (a, path), ==, ARCHIVE_OK);
  for (guint i = 0; names[i] != NULL; i++)
    {
      struct archive_entry *e = archive_entry_new ();
      g_autofree char *data = g_strdup_printf ("contents of %s", names[i]);
      archive_entry_set_pathname (e, names[i]);
      archive_entry_set_filetype (e, AE_IFREG);
      archive_entry_set_perm (e, 0644);
      archive_entry_set_size (e, strlen (data));
      g_assert_cmpint (archive_write_header (a, e), ==, ARCHIVE_OK);
      g_assert_cmpint (archive_write_data (a, data, strlen (data)), ==, (la_ssize_t)strlen (data));
      archive_entry_free (e);
    }
  g_assert_cmpint (archive_write_close (a), ==, ARCHIVE_OK);
  archive_write_free (a);
}

/* The member @name of the archive in @data (any format libarchive reads,
 * gzip'd or not), or NULL. */
static char *
archive_member (const void *data,
                gsize       len,
                const char *name,
                char      **volume_or_null)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *e;
  char *found = NULL;

  archive_read_support_format_all (a);
  archive_read_support_filter_all (a);
  g_assert_cmpint (archive_read_open_memory (a, data, len), ==, ARCHIVE_OK);
  while (found == NULL && archive_read_next_header (a, &e) == ARCHIVE_OK)
    {
      const char *p = archive_entry_pathname (e);
      while (*p == '.' || *p == '/')
        p++;
      if (g_str_equal (p, name))
        {
          gsize size = archive_entry_size (e);
          found = g_malloc0 (size + 1);
          g_assert_cmpint (archive_read_data (a, found, size), ==, (la_ssize_t)size);
        }
    }
  archive_read_free (a);
  return found;
}

/* Reads the ISO's primary volume descriptor's volume id (ECMA-119 8.4.6). */
static char *
iso_volume_id (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >, 16 * 2048 + 72);
  return g_strstrip (g_strndup (data + 16 * 2048 + 40, 32));
}

static TerraExpressConfig *
answers (void)
{
  TerraExpressConfig *c = terra_express_config_new_for_host ("Lab PC #3");

  g_free (c->user_login);
  c->user_login = g_strdup ("student");
  g_free (c->user_realname);
  c->user_realname = g_strdup ("Ada Student");
  g_free (c->password);
  c->password = g_strdup ("pa55-Word");
  g_free (c->timezone);
  c->timezone = g_strdup ("Europe/Berlin");
  g_free (c->language);
  c->language = g_strdup ("de_DE");
  g_free (c->keyboard);
  c->keyboard = g_strdup ("de");
  return c;
}

static void
test_defaults (void)
{
  g_autoptr(TerraExpressConfig) c = terra_express_config_new_for_host ("Lab PC #3");
  g_autofree char *h1 = terra_express_hostname_for ("Ünïcode only ✓");
  g_autofree char *h2 = terra_express_hostname_for ("☃");
  g_autofree char *h3 = terra_express_hostname_for ("a-very-long-name-that-goes-on-and-on-and-on-past-sixty-three-characters-yes");

  g_assert_cmpstr (c->hostname, ==, "lab-pc-3");
  g_assert_cmpstr (h1, ==, "n-code-only");
  g_assert_cmpstr (h2, ==, "guest");
  g_assert_cmpuint (strlen (h3), <=, 63);
  g_assert_nonnull (c->user_login);
  g_assert_cmpstr (c->password, ==, "");
  g_assert_null (strchr (c->language, '.'));
  g_assert_nonnull (c->timezone);
  g_assert_nonnull (c->keyboard);
}

/* Debian: preseed.cfg in the root of the installer's initrd (d-i reads
 * /preseed.cfg), the kernel and initrd copied from install.amd/. */
static void
test_debian_preseed (void)
{
  g_autofree char *iso = g_build_filename (tmp_dir, "debian.iso", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *cache = terra_express_dup_cache_dir ();
  g_autoptr(TerraExpressConfig) c = answers ();
  g_autoptr(TerraExpressSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *initrd = NULL;
  g_autofree char *kernel = NULL;
  g_autofree char *preseed = NULL;
  const char *members[] = { "install.amd/vmlinuz", "install.amd/initrd.gz", "README.txt", NULL };
  const char *original = "contents of install.amd/initrd.gz";
  gsize len = 0;
  GStatBuf st;
  OsinfoOs *os = terra_os_db_find_os ("debian11");

  g_assert_nonnull (os);
  write_iso (iso, "Debian 12.0.0 amd64 n", members);
  dir = g_build_filename (cache, "debian-test", NULL);
  setup = terra_express_prepare_sync (os, iso, c, TRUE, dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (setup->injection, ==, "initrd");
  g_assert_cmpstr (setup->script_name, ==, "preseed.cfg");
  g_assert_null (setup->script_disc);
  g_assert_nonnull (strstr (setup->cmdline, "debconf/priority=critical"));
  g_assert_nonnull (strstr (setup->cmdline, "keyboard-configuration/xkb-keymap=de"));
  g_assert_null (strstr (setup->cmdline, "pa55"));

  g_assert_true (g_file_get_contents (setup->kernel, &kernel, NULL, NULL));
  g_assert_cmpstr (kernel, ==, "contents of install.amd/vmlinuz");
  /* The original initrd, then a gzip'd cpio archive with the script. */
  g_assert_true (g_file_get_contents (setup->initrd, &initrd, &len, NULL));
  g_assert_cmpmem (initrd, strlen (original), original, strlen (original));
  g_assert_cmpuint ((guchar)initrd[strlen (original)], ==, 0x1f);
  g_assert_cmpuint ((guchar)initrd[strlen (original) + 1], ==, 0x8b);
  preseed = archive_member (initrd + strlen (original), len - strlen (original), "preseed.cfg", NULL);
  g_assert_nonnull (preseed);
  g_assert_nonnull (strstr (preseed, "d-i debian-installer/locale string de_DE"));
  g_assert_nonnull (strstr (preseed, "d-i time/zone select Europe/Berlin"));
  g_assert_nonnull (strstr (preseed, "d-i netcfg/get_hostname string lab-pc-3"));
  g_assert_nonnull (strstr (preseed, "d-i passwd/user-fullname string Ada Student"));
  g_assert_nonnull (strstr (preseed, "pa55-Word"));
  g_assert_nonnull (strstr (preseed, "d-i partman-auto/disk string /dev/vda"));
  g_assert_nonnull (strstr (preseed, "d-i mirror/http/hostname string deb.debian.org"));

  /* Private: the folder and files hold the password. */
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (setup->initrd, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  terra_express_remove_directory (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* Fedora: fedora.ks on a disc labelled OEMDRV, the kernel command line
 * pointing Anaconda at it, the kernel and initrd from isolinux/. */
static void
test_fedora_kickstart (void)
{
  g_autofree char *iso = g_build_filename (tmp_dir, "fedora.iso", NULL);
  g_autofree char *cache = terra_express_dup_cache_dir ();
  g_autofree char *dir = g_build_filename (cache, "fedora-test", NULL);
  g_autoptr(TerraExpressConfig) c = answers ();
  g_autoptr(TerraExpressSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disc = NULL;
  g_autofree char *ks = NULL;
  g_autofree char *label = NULL;
  gsize len = 0;
  const char *members[] = { "isolinux/vmlinuz", "isolinux/initrd.img", NULL };
  OsinfoOs *os = terra_os_db_find_os ("fedora37");

  g_assert_nonnull (os);
  write_iso (iso, "Fedora-S-dvd-x86_64-37", members);
  setup = terra_express_prepare_sync (os, iso, c, TRUE, dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (setup->injection, ==, "cdrom");
  g_assert_cmpstr (setup->script_name, ==, "fedora.ks");
  g_assert_nonnull (setup->script_disc);
  /* Booted directly, Anaconda is also told where its own disc is. */
  label = iso_volume_id (iso);
  {
    g_autofree char *expected = g_strdup_printf ("inst.ks=hd:disk/by-label/OEMDRV:/fedora.ks inst.stage2=hd:LABEL=%s", label);
    g_assert_cmpstr (setup->cmdline, ==, expected);
  }
  g_clear_pointer (&label, g_free);
  g_assert_nonnull (setup->kernel);

  label = iso_volume_id (setup->script_disc);
  g_assert_cmpstr (label, ==, TERRA_EXPRESS_DISC_LABEL);
  g_assert_true (g_file_get_contents (setup->script_disc, &disc, &len, NULL));
  ks = archive_member (disc, len, "fedora.ks", NULL);
  g_assert_nonnull (ks);
  g_assert_nonnull (strstr (ks, "useradd -G wheel student"));
  g_assert_nonnull (strstr (ks, "Europe/Berlin"));
  g_assert_nonnull (strstr (ks, "lab-pc-3"));
  terra_express_remove_directory (dir);
}

/* Windows: autounattend.xml (with the product key) on a disc Windows Setup
 * searches by itself: no kernel, no command line. */
static void
test_windows_unattend (void)
{
  g_autofree char *iso = g_build_filename (tmp_dir, "win.iso", NULL);
  g_autofree char *cache = terra_express_dup_cache_dir ();
  g_autofree char *dir = g_build_filename (cache, "win-test", NULL);
  g_autoptr(TerraExpressConfig) c = answers ();
  g_autoptr(TerraExpressSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *disc = NULL;
  g_autofree char *xml = NULL;
  gsize len = 0;
  const char *members[] = { "setup.exe", NULL };
  OsinfoOs *os = terra_os_db_find_os ("win10");

  c->product_key = g_strdup ("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE");
  write_iso (iso, "CCCOMA_X64FRE_EN-US_DV9", members);
  setup = terra_express_prepare_sync (os, iso, c, FALSE, dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (setup->script_disc);
  g_assert_null (setup->kernel);
  g_assert_true (g_file_get_contents (setup->script_disc, &disc, &len, NULL));
  xml = archive_member (disc, len, setup->script_name, NULL);
  g_assert_nonnull (xml);
  g_assert_cmpstr (g_ascii_strdown (setup->script_name, -1), ==, "autounattend.xml");
  g_assert_nonnull (strstr (xml, "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"));
  g_assert_nonnull (strstr (xml, "student"));
  terra_express_remove_directory (dir);
}

/* What cannot be done says why and leaves nothing. */
static void
test_refusals (void)
{
  g_autofree char *iso = g_build_filename (tmp_dir, "nokernel.iso", NULL);
  g_autofree char *cache = terra_express_dup_cache_dir ();
  g_autofree char *dir = g_build_filename (cache, "refused", NULL);
  g_autoptr(TerraExpressConfig) c = answers ();
  g_autoptr(GError) error = NULL;
  const char *members[] = { "README.txt", NULL };
  TerraExpressSetup *setup;

  write_iso (iso, "Debian 12.0.0 amd64 n", members);
  setup = terra_express_prepare_sync (terra_os_db_find_os ("debian11"), iso, c, TRUE, dir, NULL, &error);
  g_assert_null (setup);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA);
  g_assert_nonnull (strstr (error->message, "install.amd/vmlinuz"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_free (c->password);
  c->password = g_strdup ("");
  setup = terra_express_prepare_sync (terra_os_db_find_os ("debian11"), iso, c, TRUE, dir, NULL, &error);
  g_assert_null (setup);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* An OS without install scripts. */
  g_assert_false (terra_express_supported (terra_os_db_find_os ("freedos1.3")));
  g_assert_true (terra_express_supported (terra_os_db_find_os ("debian11")));
  g_assert_false (terra_express_supported (NULL));

  /* Removal never leaves the cache folder. */
  terra_express_remove_directory (tmp_dir);
  g_assert_true (g_file_test (tmp_dir, G_FILE_TEST_IS_DIR));
}

/* After the installer's first reboot the domain boots its disk. */
static void
test_finish_install_xml (void)
{
  const char *xml =
    "<domain type='qemu'><name>x</name><on_reboot>destroy</on_reboot>"
    "<os><type>hvm</type><kernel>/c/e/kernel</kernel><initrd>/c/e/initrd</initrd><cmdline>a=b</cmdline><boot dev='hd'/></os>"
    "<devices><disk type='file' device='disk'><source file='/p/x.qcow2'/><target dev='vda'/></disk>"
    "<disk type='file' device='cdrom'><source file='/isos/it&apos;s &quot;d&quot;.iso'/><target dev='sda'/></disk>"
    "<disk type='file' device='cdrom'><source file='/c/e/script.iso'/><target dev='sdb'/></disk></devices>"
    "<metadata><terrarium:terrarium xmlns:terrarium='" TERRA_METADATA_NS "'>"
    "<terrarium:media>/isos/it's \"d\".iso</terrarium:media><terrarium:install>express</terrarium:install>"
    "<terrarium:express-dir>/c/e</terrarium:express-dir><terrarium:script-disc>/c/e/script.iso</terrarium:script-disc>"
    "<terrarium:volume>/p/x.qcow2</terrarium:volume></terrarium:terrarium></metadata></domain>";
  g_autoptr(GError) error = NULL;
  g_autofree char *done = terra_domain_xml_finish_install (xml, &error);
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autofree char *again = NULL;

  g_assert_no_error (error);
  g_assert_null (strstr (done, "<kernel>"));
  g_assert_null (strstr (done, "<initrd>"));
  g_assert_null (strstr (done, "<cmdline>"));
  g_assert_null (strstr (done, "script.iso"));
  g_assert_null (strstr (done, "source file=\"/isos"));
  g_assert_nonnull (strstr (done, "device=\"cdrom\""));
  g_assert_nonnull (strstr (done, "<on_reboot>restart</on_reboot>"));
  g_assert_nonnull (strstr (done, "/p/x.qcow2"));
  md = terra_domain_metadata_parse (done);
  g_assert_cmpstr (md->install, ==, "done");
  g_assert_null (md->express_dir);
  g_assert_cmpstr (md->volumes[0], ==, "/p/x.qcow2");

  again = terra_domain_xml_finish_install (done, &error);
  g_assert_null (again);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmp_dir = g_dir_make_tmp ("terra-express-XXXXXX", NULL);
  {
    /* Prepared files go under $XDG_CACHE_HOME/terrarium/express. */
    g_autofree char *cache = g_build_filename (tmp_dir, "cache", NULL);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  }
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (terra_os_db_get (NULL));
  g_test_add_func ("/express/defaults", test_defaults);
  g_test_add_func ("/express/debian-preseed", test_debian_preseed);
  g_test_add_func ("/express/fedora-kickstart", test_fedora_kickstart);
  g_test_add_func ("/express/windows-unattend", test_windows_unattend);
  g_test_add_func ("/express/refusals", test_refusals);
  g_test_add_func ("/express/finish-install-xml", test_finish_install_xml);
  ret = g_test_run ();
  {
    const char *rm[] = { "rm", "-rf", "--", tmp_dir, NULL };
    g_spawn_sync (NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return ret;
}
