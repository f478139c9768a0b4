/* terra-express.c — express (unattended) installs with libosinfo's install scripts
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-express"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "terra-error.h"
#include "terra-express.h"
#include "terra-media-info.h"

/*
 * How it works (as GNOME Boxes and virt-install do it): libosinfo has, for
 * the OSes it can install unattended, XSLT install scripts (Debian preseed,
 * Fedora kickstart, Windows autounattend.xml) with the ways the installer
 * can find them ("injection methods") and the kernel command line it needs.
 * We fill an OsinfoInstallConfig, let libosinfo generate the script, and
 * put it where the installer looks:
 *  - initrd (Debian, Ubuntu): the installer's kernel and initrd are copied
 *    out of the ISO, and a gzip'd cpio archive holding the script is
 *    appended to the initrd (the kernel unpacks concatenated archives; d-i
 *    reads /preseed.cfg); the guest boots that kernel directly.
 *  - cdrom (kickstart, Windows): a small ISO labelled OEMDRV holds the
 *    script; Linux installers are told where by the command line, Windows
 *    Setup finds autounattend.xml on any removable drive by itself.
 * The files hold the password, so they live in a private (0700) folder of
 * the user's cache and are deleted when the install is done.
 */

/**
 * terra_express_config_free:
 * @config: (transfer full) (nullable): a config
 *
 * Frees @config, overwriting the password first.
 */
void
terra_express_config_free (TerraExpressConfig *config)
{
  if (config == NULL)
    return;
  if (config->password != NULL)
    memset (config->password, 0, strlen (config->password));
  g_free (config->user_login);
  g_free (config->user_realname);
  g_free (config->password);
  g_free (config->hostname);
  g_free (config->timezone);
  g_free (config->language);
  g_free (config->keyboard);
  g_free (config->product_key);
  g_free (config);
}

/**
 * terra_express_config_copy:
 * @config: a config
 *
 * Returns: (transfer full): a deep copy
 */
TerraExpressConfig *
terra_express_config_copy (const TerraExpressConfig *config)
{
  TerraExpressConfig *copy = g_new0 (TerraExpressConfig, 1);

  copy->user_login = g_strdup (config->user_login);
  copy->user_realname = g_strdup (config->user_realname);
  copy->password = g_strdup (config->password);
  copy->hostname = g_strdup (config->hostname);
  copy->timezone = g_strdup (config->timezone);
  copy->language = g_strdup (config->language);
  copy->keyboard = g_strdup (config->keyboard);
  copy->product_key = g_strdup (config->product_key);
  return copy;
}

/**
 * terra_express_hostname_for:
 * @machine_name: a machine's name (any UTF-8)
 *
 * A host name from a machine name: ASCII letters and digits kept (lower
 * case), anything else one "-", at most 63 characters (RFC 1123), "guest"
 * when nothing is left.
 *
 * Returns: (transfer full): the host name
 */
char *
terra_express_hostname_for (const char *machine_name)
{
  GString *out = g_string_new (NULL);

  for (const char *p = machine_name; p != NULL && *p != '\0' && out->len < 63; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "guest");
  return g_string_free (out, FALSE);
}

/* The host's time zone: /etc/timezone (Debian), else the /etc/localtime link. */
static char *
host_timezone (void)
{
  g_autofree char *text = NULL;
  g_autofree char *link = NULL;
  const char *marker;

  if (g_file_get_contents ("/etc/timezone", &text, NULL, NULL) && *g_strstrip (text) != '\0')
    return g_steal_pointer (&text);
  link = g_file_read_link ("/etc/localtime", NULL);
  if (link != NULL && (marker = strstr (link, "zoneinfo/")) != NULL)
    return g_strdup (marker + strlen ("zoneinfo/"));
  return g_strdup ("UTC");
}

/* The host's X11 keyboard layout (/etc/default/keyboard, Debian), or "us". */
static char *
host_keyboard (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/etc/default/keyboard", &text, NULL, NULL))
    return g_strdup ("us");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "XKBLAYOUT="))
      {
        g_autofree char *value = g_strdup (lines[i] + strlen ("XKBLAYOUT="));
        char *comma;
        g_strdelimit (value, "\"", ' ');
        g_strstrip (value);
        if ((comma = strchr (value, ',')) != NULL)
          *comma = '\0';
        if (*value != '\0')
          return g_steal_pointer (&value);
      }
  return g_strdup ("us");
}

/**
 * terra_express_config_new_for_host:
 * @machine_name: the new machine's name, for its host name
 *
 * Defaults from the host, as the issue and GNOME Boxes do: the host user's
 * login and full name (a root session gets "user", which installers
 * accept), the host's time zone, language (first of
 * g_get_language_names(), without encoding; "C" becomes "en_US") and
 * keyboard layout. The password is empty: the user types it.
 *
 * Returns: (transfer full): the defaults
 */
TerraExpressConfig *
terra_express_config_new_for_host (const char *machine_name)
{
  TerraExpressConfig *config = g_new0 (TerraExpressConfig, 1);
  const char * const *languages = g_get_language_names ();
  const char *real = g_get_real_name ();
  g_autofree char *language = g_strdup (languages[0]);
  char *cut;

  config->user_login = g_strdup (g_strcmp0 (g_get_user_name (), "root") == 0 ? "user" : g_get_user_name ());
  config->user_realname = g_strdup (real != NULL && !g_str_equal (real, "Unknown") && *real != '\0'
                                    ? real : config->user_login);
  config->password = g_strdup ("");
  config->hostname = terra_express_hostname_for (machine_name);
  config->timezone = host_timezone ();
  if ((cut = strpbrk (language, ".@")) != NULL)
    *cut = '\0';
  config->language = g_strdup (g_str_equal (language, "C") || g_str_equal (language, "POSIX") || *language == '\0'
                               ? "en_US" : language);
  config->keyboard = host_keyboard ();
  return config;
}

/* A script the main one calls (".cmd"), not one an installer reads. */
static gboolean
is_helper_script (OsinfoInstallScript *script)
{
  const char *name = osinfo_install_script_get_expected_filename (script);
  return name != NULL && g_str_has_suffix (name, ".cmd");
}

/**
 * terra_express_find_script:
 * @os: an OS from libosinfo
 * @error: %TERRA_ERROR_NOT_FOUND when libosinfo has no install script for it
 *
 * The install script for @os: its "desktop" profile (what people creating
 * a machine on their desktop want), else "jeos" (a minimal system). Helper
 * scripts of the same profile (Windows' windows.cmd, which the main script
 * runs after the install) go on the same disc
 * (terra_express_prepare_sync()).
 *
 * Returns: (transfer full) (nullable): the script
 */
OsinfoInstallScript *
terra_express_find_script (OsinfoOs  *os,
                           GError   **error)
{
  g_autoptr(OsinfoInstallScriptList) scripts = NULL;
  OsinfoInstallScript *best = NULL;

  if (os != NULL)
    {
      scripts = osinfo_os_get_install_script_list (os);
      for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
        {
          OsinfoInstallScript *s = OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
          const char *profile = osinfo_install_script_get_profile (s);

          /* Windows' windows.cmd runs after the install (from the main
           * script); it is not the one Setup reads. */
          if (is_helper_script (s))
            continue;
          if (g_strcmp0 (profile, "desktop") == 0 || (best == NULL && g_strcmp0 (profile, "jeos") == 0))
            best = s;
        }
    }
  if (best == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                   _("There is no express install for %s: the OS database has no install script for it. "
                     "Install it yourself."),
                   os ? osinfo_product_get_name (OSINFO_PRODUCT (os)) : _("this system"));
      return NULL;
    }
  return g_object_ref (best);
}

/**
 * terra_express_supported:
 * @os: (nullable): an OS
 *
 * Returns: whether terra_express_find_script() finds a script for @os
 */
gboolean
terra_express_supported (OsinfoOs *os)
{
  g_autoptr(OsinfoInstallScript) script = terra_express_find_script (os, NULL);
  return script != NULL;
}

/**
 * terra_express_setup_free:
 * @setup: (transfer full) (nullable): a setup
 *
 * Frees the struct (not the files: terra_express_remove_directory()).
 */
void
terra_express_setup_free (TerraExpressSetup *setup)
{
  if (setup == NULL)
    return;
  g_free (setup->directory);
  g_free (setup->script_name);
  g_free (setup->injection);
  g_free (setup->kernel);
  g_free (setup->initrd);
  g_free (setup->cmdline);
  g_free (setup->script_disc);
  g_free (setup);
}

/**
 * terra_express_setup_copy:
 * @setup: a setup
 *
 * Returns: (transfer full): a deep copy
 */
TerraExpressSetup *
terra_express_setup_copy (const TerraExpressSetup *setup)
{
  TerraExpressSetup *copy = g_new0 (TerraExpressSetup, 1);

  copy->directory = g_strdup (setup->directory);
  copy->script_name = g_strdup (setup->script_name);
  copy->injection = g_strdup (setup->injection);
  copy->kernel = g_strdup (setup->kernel);
  copy->initrd = g_strdup (setup->initrd);
  copy->cmdline = g_strdup (setup->cmdline);
  copy->script_disc = g_strdup (setup->script_disc);
  return copy;
}

/**
 * terra_express_dup_cache_dir:
 *
 * Returns: (transfer full): where express installs keep their files,
 *   `$XDG_CACHE_HOME/terrarium/express`
 */
char *
terra_express_dup_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "terrarium", "express", NULL);
}

/**
 * terra_express_remove_directory:
 * @directory: (nullable): a #TerraExpressSetup's directory
 *
 * Deletes the files an express install prepared (they hold the password)
 * and the folder. Only removes a folder inside terra_express_dup_cache_dir(),
 * and only its plain files.
 */
void
terra_express_remove_directory (const char *directory)
{
  g_autofree char *cache = terra_express_dup_cache_dir ();
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (directory == NULL || !g_str_has_prefix (directory, cache) || directory[strlen (cache)] != '/' ||
      strstr (directory, "/..") != NULL)
    return;
  dir = g_dir_open (directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        g_unlink (path);
    }
  g_rmdir (directory);
}

static void
set_archive_error (GError        **error,
                   struct archive *a,
                   const char     *what)
{
  g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA, "%s: %s", what,
               archive_error_string (a) ? archive_error_string (a) : _("unknown error"));
}

/* Normalises an ISO member name for comparison: no leading "./" or "/",
 * lower case (discs without Rock Ridge give upper-case names). */
static char *
member_key (const char *name)
{
  while (g_str_has_prefix (name, "./") || name[0] == '/')
    name += name[0] == '/' ? 1 : 2;
  return g_ascii_strdown (name, -1);
}

/* Copies the members @wanted (NULL-terminated) of the ISO at @iso to the
 * paths @dest (same order). Every wanted member must be found. */
static gboolean
extract_from_iso (const char          *iso,
                  const char * const  *wanted,
                  const char * const  *dest,
                  GCancellable        *cancellable,
                  GError             **error)
{
  struct archive *a = archive_read_new ();
  struct archive_entry *entry;
  guint n_wanted = g_strv_length ((char **)wanted);
  g_autofree gboolean *found = g_new0 (gboolean, n_wanted);
  guint n_found = 0;
  gboolean ok = TRUE;
  int r;

  archive_read_support_format_iso9660 (a);
  if (archive_read_open_filename (a, iso, 64 * 1024) != ARCHIVE_OK)
    {
      set_archive_error (error, a, _("Could not read the installer disc"));
      archive_read_free (a);
      return FALSE;
    }
  while (ok && n_found < n_wanted && (r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      g_autofree char *key = member_key (archive_entry_pathname (entry));

      for (guint i = 0; i < n_wanted; i++)
        {
          g_autofree char *want = member_key (wanted[i]);
          int fd;

          if (found[i] || !g_str_equal (key, want))
            continue;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            {
              ok = FALSE;
              break;
            }
          fd = g_open (dest[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
          if (fd < 0)
            {
              int saved = errno;
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                           _("Could not write %s: %s"), dest[i], g_strerror (saved));
              ok = FALSE;
              break;
            }
          if (archive_read_data_into_fd (a, fd) != ARCHIVE_OK)
            {
              set_archive_error (error, a, _("Could not copy from the installer disc"));
              ok = FALSE;
            }
          close (fd);
          found[i] = TRUE;
          n_found++;
          break;
        }
    }
  archive_read_free (a);
  if (ok && n_found < n_wanted)
    {
      for (guint i = 0; i < n_wanted; i++)
        if (!found[i])
          {
            g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                         _("The installer disc has no %s, which the express install needs. Install it yourself."),
                         wanted[i]);
            break;
          }
      ok = FALSE;
    }
  return ok;
}

/* Appends a gzip'd newc cpio archive holding @name = @data to @initrd. */
static gboolean
append_to_initrd (const char  *initrd,
                  const char  *name,
                  const char  *data,
                  GError     **error)
{
  struct archive *a = archive_write_new ();
  struct archive_entry *entry = archive_entry_new ();
  int fd = g_open (initrd, O_WRONLY | O_APPEND | O_CLOEXEC, 0);
  gboolean ok = FALSE;
  size_t len = strlen (data);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not write %s: %s"),
                   initrd, g_strerror (saved));
      goto out;
    }
  archive_write_set_format_cpio_newc (a);
  archive_write_add_filter_gzip (a);
  /* No block padding after the gzip stream. */
  archive_write_set_bytes_in_last_block (a, 1);
  if (archive_write_open_fd (a, fd) != ARCHIVE_OK)
    goto fail;
  archive_entry_set_pathname (entry, name);
  archive_entry_set_filetype (entry, AE_IFREG);
  archive_entry_set_perm (entry, 0644);
  archive_entry_set_size (entry, len);
  if (archive_write_header (a, entry) != ARCHIVE_OK ||
      archive_write_data (a, data, len) != (la_ssize_t)len ||
      archive_write_close (a) != ARCHIVE_OK)
    goto fail;
  ok = TRUE;
  goto out;

fail:
  set_archive_error (error, a, _("Could not add the install script to the installer’s initrd"));
out:
  archive_entry_free (entry);
  archive_write_free (a);
  if (fd >= 0)
    close (fd);
  return ok;
}

/* Writes an ISO 9660 image labelled TERRA_EXPRESS_DISC_LABEL holding
 * each names[i] = texts[i] at its root (Rock Ridge and Joliet names). */
static gboolean
write_script_disc (const char          *path,
                   const char * const  *names,
                   const char * const  *texts,
                   GError             **error)
{
  struct archive *a = archive_write_new ();
  gboolean ok = FALSE;

  archive_write_set_format_iso9660 (a);
  if (archive_write_set_format_option (a, "iso9660", "volume-id", TERRA_EXPRESS_DISC_LABEL) != ARCHIVE_OK ||
      archive_write_set_format_option (a, "iso9660", "joliet", "1") != ARCHIVE_OK ||
      archive_write_set_format_option (a, "iso9660", "rockridge", "1") != ARCHIVE_OK ||
      archive_write_open_filename (a, path) != ARCHIVE_OK)
    goto fail;
  for (guint i = 0; names[i] != NULL; i++)
    {
      struct archive_entry *entry = archive_entry_new ();
      size_t len = strlen (texts[i]);
      gboolean written;

      archive_entry_set_pathname (entry, names[i]);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, len);
      written = archive_write_header (a, entry) == ARCHIVE_OK &&
                archive_write_data (a, texts[i], len) == (la_ssize_t)len;
      archive_entry_free (entry);
      if (!written)
        goto fail;
    }
  if (archive_write_close (a) != ARCHIVE_OK)
    goto fail;
  g_chmod (path, 0600);
  ok = TRUE;
  goto out;

fail:
  set_archive_error (error, a, _("Could not write the install script’s disc"));
out:
  archive_write_free (a);
  return ok;
}

/* Helper scripts of @main's profile for @os (Windows' windows.cmd),
 * generated: names and texts appended to the arrays. */
static void
add_helper_scripts (OsinfoOs            *os,
                    OsinfoInstallScript *main_script,
                    OsinfoInstallConfig *config,
                    GPtrArray           *names,
                    GPtrArray           *texts)
{
  g_autoptr(OsinfoInstallScriptList) scripts = osinfo_os_get_install_script_list (os);

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (scripts)); i++)
    {
      OsinfoInstallScript *s = OSINFO_INSTALL_SCRIPT (osinfo_list_get_nth (OSINFO_LIST (scripts), i));
      char *text;

      if (!is_helper_script (s) ||
          g_strcmp0 (osinfo_install_script_get_profile (s), osinfo_install_script_get_profile (main_script)) != 0)
        continue;
      text = osinfo_install_script_generate (s, os, config, NULL, NULL);
      if (text == NULL)
        continue;
      g_ptr_array_add (names, g_strdup (osinfo_install_script_get_expected_filename (s)));
      g_ptr_array_add (texts, text);
    }
}

/* libosinfo's kernel and initrd paths for @os's x86_64 installer media (the
 * first medium that has them; the OS of a newer, unknown release shares
 * the layout of its nearest known one). */
static gboolean
installer_paths (OsinfoOs     *os,
                 const char  **kernel,
                 const char  **initrd)
{
  g_autoptr(OsinfoMediaList) media = osinfo_os_get_media_list (os);

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (media)); i++)
    {
      OsinfoMedia *m = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (media), i));
      if (g_strcmp0 (osinfo_media_get_architecture (m), "x86_64") == 0 &&
          osinfo_media_get_kernel_path (m) != NULL && osinfo_media_get_initrd_path (m) != NULL)
        {
          *kernel = osinfo_media_get_kernel_path (m);
          *initrd = osinfo_media_get_initrd_path (m);
          return TRUE;
        }
    }
  return FALSE;
}

/* @label for a dracut/Anaconda "hd:LABEL=" argument: spaces and
 * characters outside [A-Za-z0-9._-] as \xNN (dracut's label escaping). */
static char *
escape_label (const char *label)
{
  GString *out = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-')
        g_string_append_c (out, *p);
      else
        g_string_append_printf (out, "\\x%02x", (guchar)*p);
    }
  return g_string_free (out, FALSE);
}

static OsinfoInstallConfig *
make_config (OsinfoInstallScript      *script,
             const TerraExpressConfig *c,
             gboolean                  virtio_disk)
{
  OsinfoInstallConfig *config = osinfo_install_config_new ("http://terrarium.github.io/express/config");

  osinfo_install_config_set_hardware_arch (config, "x86_64");
  osinfo_install_config_set_user_login (config, c->user_login);
  osinfo_install_config_set_user_realname (config, c->user_realname ? c->user_realname : c->user_login);
  osinfo_install_config_set_user_password (config, c->password);
  osinfo_install_config_set_admin_password (config, c->password);
  osinfo_install_config_set_user_administrator (config, TRUE);
  osinfo_install_config_set_hostname (config, c->hostname);
  osinfo_install_config_set_l10n_timezone (config, c->timezone);
  osinfo_install_config_set_l10n_language (config, c->language);
  osinfo_install_config_set_l10n_keyboard (config, c->keyboard);
  if (c->product_key != NULL && *c->product_key != '\0')
    osinfo_install_config_set_reg_product_key (config, c->product_key);
  /* Our disk is the first of its bus (terra_domain_builder_build()). */
  osinfo_install_config_set_target_disk (config, virtio_disk ? "/dev/vda" : "/dev/sda");
  /* libosinfo's kickstart templates take a /dev path and keep what follows
   * "/dev/"; Anaconda resolves "disk/by-label/OEMDRV" under /dev. */
  osinfo_install_config_set_script_disk (config, "/dev/disk/by-label/" TERRA_EXPRESS_DISC_LABEL);
  return config;
}

/**
 * terra_express_prepare_sync:
 * @os: the OS to install (libosinfo; for media newer than the database, the
 *   nearest known release)
 * @media_path: the installer ISO
 * @config: the user's answers
 * @virtio_disk: whether the guest's disk is on virtio (/dev/vda) or SATA
 * @directory: a new folder to put the files in (created 0700)
 * @cancellable: (nullable): a #GCancellable
 * @error: %TERRA_ERROR_NOT_FOUND (no install script),
 *   %TERRA_ERROR_INVALID_ARGUMENT (no user name, or no password),
 *   %TERRA_ERROR_INVALID_MEDIA (the ISO lacks the kernel/initrd libosinfo
 *   names, or cannot be read), %TERRA_ERROR_FAILED (libosinfo could not
 *   generate the script), or a #GIOError writing the files
 *
 * Generates @os's install script from @config and puts it where the
 * installer looks (see the top of this file). On failure @directory is
 * removed again. Blocking: call from a worker thread.
 *
 * Returns: (transfer full) (nullable): what to give the guest
 */
TerraExpressSetup *
terra_express_prepare_sync (OsinfoOs                 *os,
                            const char               *media_path,
                            const TerraExpressConfig *config,
                            gboolean                  virtio_disk,
                            const char               *directory,
                            GCancellable             *cancellable,
                            GError                  **error)
{
  g_autoptr(OsinfoInstallScript) script = NULL;
  g_autoptr(OsinfoInstallConfig) osinfo_config = NULL;
  g_autoptr(TerraExpressSetup) setup = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  unsigned int methods;
  const char *kernel_path = NULL, *initrd_path = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (OSINFO_IS_OS (os) && media_path != NULL && config != NULL && directory != NULL, NULL);

  if (config->user_login == NULL || *config->user_login == '\0')
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT, _("Give a user name for the express install."));
      return NULL;
    }
  if (config->password == NULL || *config->password == '\0')
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT, _("Give a password for the express install."));
      return NULL;
    }
  script = terra_express_find_script (os, error);
  if (script == NULL)
    return NULL;

  if (g_mkdir_with_parents (directory, 0700) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("Could not create %s: %s"),
                   directory, g_strerror (saved));
      return NULL;
    }
  g_chmod (directory, 0700);

  setup = g_new0 (TerraExpressSetup, 1);
  setup->directory = g_strdup (directory);
  setup->script_name = g_strdup (osinfo_install_script_get_expected_filename (script));

  /* A disc where the script supports one (kickstart, Windows), else the
   * initrd (Debian's preseed supports only that). */
  methods = osinfo_install_script_get_injection_methods (script);
  if (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM)
    {
      osinfo_install_script_set_preferred_injection_method (script, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_CDROM);
      setup->injection = g_strdup ("cdrom");
    }
  else if (methods & OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD)
    {
      osinfo_install_script_set_preferred_injection_method (script, OSINFO_INSTALL_SCRIPT_INJECTION_METHOD_INITRD);
      setup->injection = g_strdup ("initrd");
    }
  else
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                   _("There is no express install for %s: its install script needs a way of delivery Terrarium does not have."),
                   osinfo_product_get_name (OSINFO_PRODUCT (os)));
      goto out;
    }

  osinfo_config = make_config (script, config, virtio_disk);
  text = osinfo_install_script_generate (script, os, osinfo_config, cancellable, &local_error);
  if (text == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, _("The install script could not be generated: %s"),
                   local_error ? local_error->message : _("unknown error"));
      goto out;
    }
  if (g_str_equal (setup->script_name, "preseed.cfg"))
    {
      /* libosinfo's Debian preseeds leave the mirror to d-i, which picks
       * the country's (ftp.us.debian.org for en_US); deb.debian.org is
       * Debian's CDN-backed default (https://deb.debian.org) and works
       * where country mirrors are blocked. Later answers win in d-i. */
      char *with_mirror = g_strconcat (text,
                                       "\n### Mirror (added by Terrarium)\n"
                                       "d-i mirror/country string manual\n"
                                       "d-i mirror/http/hostname string deb.debian.org\n"
                                       "d-i mirror/http/directory string /debian\n",
                                       NULL);
      memset (text, 0, strlen (text));
      g_free (text);
      text = with_mirror;
    }
  setup->cmdline = osinfo_install_script_generate_command_line (script, os, osinfo_config);
  if (setup->cmdline != NULL)
    {
      g_strstrip (setup->cmdline);
      if (*setup->cmdline == '\0')
        g_clear_pointer (&setup->cmdline, g_free);
    }

  /* Direct kernel boot wherever the installer needs a command line (and
   * always for initrd injection). */
  if ((g_str_equal (setup->injection, "initrd") || setup->cmdline != NULL) &&
      installer_paths (os, &kernel_path, &initrd_path))
    {
      const char *wanted[] = { kernel_path, initrd_path, NULL };
      const char *dest[3];

      setup->kernel = g_build_filename (directory, "kernel", NULL);
      setup->initrd = g_build_filename (directory, "initrd", NULL);
      dest[0] = setup->kernel;
      dest[1] = setup->initrd;
      dest[2] = NULL;
      if (!extract_from_iso (media_path, wanted, dest, cancellable, error))
        goto out;
    }
  if (setup->kernel != NULL && setup->cmdline != NULL && strstr (setup->cmdline, "inst.ks=") != NULL &&
      strstr (setup->cmdline, "inst.stage2=") == NULL && strstr (setup->cmdline, "inst.repo=") == NULL)
    {
      /* Anaconda booted by its kernel alone must be told where its disc
       * is (isolinux does it otherwise). */
      g_autofree char *volume_id = NULL;
      if (terra_iso9660_probe (media_path, &volume_id, NULL) && volume_id != NULL)
        {
          g_autofree char *label = escape_label (volume_id);
          char *longer = g_strdup_printf ("%s inst.stage2=hd:LABEL=%s", setup->cmdline, label);
          g_free (setup->cmdline);
          setup->cmdline = longer;
        }
    }
  if (setup->kernel == NULL && g_str_equal (setup->injection, "initrd"))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_MEDIA,
                   _("The OS database does not say where the installer’s kernel is on this disc. Install it yourself."));
      goto out;
    }

  if (g_str_equal (setup->injection, "initrd"))
    {
      if (!append_to_initrd (setup->initrd, setup->script_name, text, error))
        goto out;
    }
  else
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      g_ptr_array_add (names, g_strdup (setup->script_name));
      g_ptr_array_add (texts, g_strdup (text));
      add_helper_scripts (os, script, osinfo_config, names, texts);
      g_ptr_array_add (names, NULL);
      g_ptr_array_add (texts, NULL);
      setup->script_disc = g_build_filename (directory, "script.iso", NULL);
      ok = write_script_disc (setup->script_disc, (const char * const *)names->pdata,
                              (const char * const *)texts->pdata, error);
      for (guint i = 0; i < texts->len && texts->pdata[i] != NULL; i++)
        memset (texts->pdata[i], 0, strlen (texts->pdata[i]));
      if (!ok)
        goto out;
    }
  ok = TRUE;

out:
  if (text != NULL)
    memset (text, 0, strlen (text));
  if (!ok)
    {
      terra_express_remove_directory (directory);
      return NULL;
    }
  return g_steal_pointer (&setup);
}
