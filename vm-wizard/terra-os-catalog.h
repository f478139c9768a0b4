/* terra-os-catalog.h — the OS releases libosinfo knows, and their downloads
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/**
 * TerraOsRelease:
 * @key: what `terrarium-ctl download` and `create --os` take: the OS's
 *   short id, with ":VARIANT" for a media variant ("fedora37:server")
 * @os_id: libosinfo's id URI
 * @short_id: libosinfo's short id ("fedora37")
 * @name: for people: the OS name, with the variant's ("Fedora 37 Server")
 * @family: libosinfo family ("linux", "winnt", …)
 * @distro: (nullable): libosinfo distro ("fedora", "debian", …)
 * @version: (nullable): the release's version
 * @release_date: (nullable): "YYYY-MM-DD"
 * @eol_date: (nullable): "YYYY-MM-DD", when its support ends or ended
 * @url: (nullable): the x86_64 installer or live media to download
 * @eol: whether @eol_date has passed
 * @live: the media is a live system
 *
 * One OS release, or one downloadable medium of it.
 */
typedef struct {
  char     *key;
  char     *os_id;
  char     *short_id;
  char     *name;
  char     *family;
  char     *distro;
  char     *version;
  char     *release_date;
  char     *eol_date;
  char     *url;
  gboolean  eol;
  gboolean  live;
} TerraOsRelease;

void            terra_os_release_free        (TerraOsRelease *release);
GPtrArray      *terra_os_catalog_list        (OsinfoDb       *db,
                                              const char     *family,
                                              gboolean        downloads,
                                              GDate          *today);
TerraOsRelease *terra_os_catalog_find_download (OsinfoDb     *db,
                                                const char   *key,
                                                GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraOsRelease, terra_os_release_free)

G_END_DECLS
