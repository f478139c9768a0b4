/* terra-os-catalog.c — the OS releases libosinfo knows, and their downloads
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-os-catalog"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "terra-error.h"
#include "terra-os-catalog.h"

/**
 * terra_os_release_free:
 * @release: (transfer full) (nullable): a release
 *
 * Frees @release.
 */
void
terra_os_release_free (TerraOsRelease *release)
{
  if (release == NULL)
    return;
  g_free (release->key);
  g_free (release->os_id);
  g_free (release->short_id);
  g_free (release->name);
  g_free (release->family);
  g_free (release->distro);
  g_free (release->version);
  g_free (release->release_date);
  g_free (release->eol_date);
  g_free (release->url);
  g_free (release);
}

static TerraOsRelease *
release_new (OsinfoOs    *os,
             OsinfoMedia *media,
             GDate       *today)
{
  TerraOsRelease *r = g_new0 (TerraOsRelease, 1);
  OsinfoProduct *product = OSINFO_PRODUCT (os);
  GDate *eol = osinfo_product_get_eol_date (product);
  g_autofree char *variant_id = NULL;
  g_autofree char *variant_name = NULL;

  if (media != NULL)
    {
      g_autoptr(OsinfoOsVariantList) variants = osinfo_media_get_os_variants (media);
      if (variants != NULL && osinfo_list_get_length (OSINFO_LIST (variants)) > 0)
        {
          OsinfoOsVariant *v = OSINFO_OS_VARIANT (osinfo_list_get_nth (OSINFO_LIST (variants), 0));
          variant_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (v)));
          variant_name = g_strdup (osinfo_os_variant_get_name (v));
        }
      r->url = g_strdup (osinfo_media_get_url (media));
      r->live = osinfo_media_get_live (media);
    }

  r->os_id = g_strdup (osinfo_entity_get_id (OSINFO_ENTITY (os)));
  r->short_id = g_strdup (osinfo_product_get_short_id (product));
  r->key = variant_id ? g_strdup_printf ("%s:%s", r->short_id, variant_id) : g_strdup (r->short_id);
  /* A variant's name is the full name ("Fedora 37 Workstation"). */
  r->name = g_strdup (variant_name ? variant_name : osinfo_product_get_name (product));
  r->family = g_strdup (osinfo_os_get_family (os));
  r->distro = g_strdup (osinfo_os_get_distro (os));
  r->version = g_strdup (osinfo_product_get_version (product));
  r->release_date = g_strdup (osinfo_product_get_release_date_string (product));
  r->eol_date = g_strdup (osinfo_product_get_eol_date_string (product));
  r->eol = eol != NULL && today != NULL && g_date_compare (eol, today) < 0;
  return r;
}

/* Newest first (by release date, then name); undated releases last. */
static int
compare_releases (gconstpointer a,
                  gconstpointer b)
{
  const TerraOsRelease *ra = *(TerraOsRelease **)a;
  const TerraOsRelease *rb = *(TerraOsRelease **)b;
  int c;

  if ((ra->release_date == NULL) != (rb->release_date == NULL))
    return ra->release_date == NULL ? 1 : -1;
  c = g_strcmp0 (rb->release_date, ra->release_date);
  if (c != 0)
    return c;
  return g_utf8_collate (ra->name, rb->name);
}

/* The media worth offering: x86_64, with a URL. */
static gboolean
downloadable (OsinfoMedia *media)
{
  return osinfo_media_get_url (media) != NULL &&
         g_strcmp0 (osinfo_media_get_architecture (media), "x86_64") == 0;
}

/**
 * terra_os_catalog_list:
 * @db: libosinfo's database (terra_os_db_get())
 * @family: (nullable): only OSes of this libosinfo family ("linux", "winnt",
 *   "freebsd", …), or all
 * @downloads: %TRUE: one entry per downloadable x86_64 medium (libosinfo
 *   `<media arch="x86_64"><url>`), keyed "SHORT_ID:VARIANT" when the
 *   medium names a variant; %FALSE: one entry per OS, downloadable or not
 * @today: (nullable): the date end-of-life is judged against; %NULL for
 *   today (local time)
 *
 * The OS releases libosinfo knows, newest first by release date. libosinfo
 * 1.10 has no "recommended" flag or media checksums; what it has is each
 * release's end-of-life date, so a release past it is marked @eol.
 *
 * Returns: (transfer container) (element-type TerraOsRelease): the releases
 */
GPtrArray *
terra_os_catalog_list (OsinfoDb   *db,
                       const char *family,
                       gboolean    downloads,
                       GDate      *today)
{
  g_autoptr(OsinfoOsList) oses = NULL;
  g_autoptr(GDate) now = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_os_release_free);

  g_return_val_if_fail (OSINFO_IS_DB (db), out);
  if (today == NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_now_local ();
      today = now = g_date_new_dmy (g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                                    g_date_time_get_year (dt));
    }

  oses = osinfo_db_get_os_list (db);
  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (oses)); i++)
    {
      OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (oses), i));
      g_autoptr(OsinfoMediaList) media = NULL;

      if (family != NULL && g_strcmp0 (osinfo_os_get_family (os), family) != 0)
        continue;
      if (!downloads)
        {
          g_ptr_array_add (out, release_new (os, NULL, today));
          continue;
        }
      media = osinfo_os_get_media_list (os);
      for (int j = 0; j < osinfo_list_get_length (OSINFO_LIST (media)); j++)
        {
          OsinfoMedia *m = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (media), j));
          TerraOsRelease *r;
          gboolean seen = FALSE;

          if (!downloadable (m))
            continue;
          r = release_new (os, m, today);
          /* Several media of one variant (e.g. two Debian installers):
           * the first, libosinfo's order. */
          for (guint k = 0; k < out->len && !seen; k++)
            seen = g_str_equal (((TerraOsRelease *)out->pdata[k])->key, r->key);
          if (seen)
            terra_os_release_free (r);
          else
            g_ptr_array_add (out, r);
        }
    }
  g_ptr_array_sort (out, compare_releases);
  return out;
}

/**
 * terra_os_catalog_find_download:
 * @db: libosinfo's database
 * @key: "SHORT_ID" or "SHORT_ID:VARIANT" as terra_os_catalog_list() gives,
 *   or an OS id URI
 * @error: %TERRA_ERROR_NOT_FOUND when libosinfo has no such OS, or no
 *   x86_64 medium to download for it
 *
 * The download for @key: that variant's medium, or for a bare OS the first
 * downloadable medium libosinfo lists, preferring an installer with a
 * desktop ("workstation", "desktop") variant.
 *
 * Returns: (transfer full) (nullable): the release with its URL
 */
TerraOsRelease *
terra_os_catalog_find_download (OsinfoDb    *db,
                                const char  *key,
                                GError     **error)
{
  g_autoptr(GPtrArray) all = NULL;
  TerraOsRelease *best = NULL;
  guint best_index = 0;
  gboolean os_known = FALSE;

  g_return_val_if_fail (OSINFO_IS_DB (db) && key != NULL, NULL);

  all = terra_os_catalog_list (db, NULL, TRUE, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      TerraOsRelease *r = all->pdata[i];
      gboolean same_os = g_strcmp0 (r->short_id, key) == 0 || g_strcmp0 (r->os_id, key) == 0;

      if (g_str_equal (r->key, key))
        {
          best = r;
          best_index = i;
          break;
        }
      if (same_os && (best == NULL ||
                      (strstr (r->key, ":workstation") || strstr (r->key, ":desktop"))))
        {
          best = r;
          best_index = i;
        }
    }
  if (best != NULL)
    return g_ptr_array_steal_index (all, best_index);

  {
    g_autoptr(OsinfoOsList) oses = osinfo_db_get_os_list (db);
    for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (oses)) && !os_known; i++)
      {
        OsinfoOs *os = OSINFO_OS (osinfo_list_get_nth (OSINFO_LIST (oses), i));
        os_known = g_strcmp0 (osinfo_product_get_short_id (OSINFO_PRODUCT (os)), key) == 0 ||
                   g_strcmp0 (osinfo_entity_get_id (OSINFO_ENTITY (os)), key) == 0;
      }
  }
  if (os_known)
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                 _("The OS database has no download for “%s” on x86_64; download its installer yourself "
                   "and create the machine from the file."), key);
  else
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND,
                 _("No OS “%s” in the OS database; “terrarium-ctl osinfo list --downloads” shows what can be downloaded."),
                 key);
  return NULL;
}
