/* terra-express.h — express (unattended) installs with libosinfo's install scripts
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <osinfo/osinfo.h>

G_BEGIN_DECLS

/**
 * TerraExpressConfig:
 * @user_login: the guest user's login name
 * @user_realname: (nullable): their full name
 * @password: the user's password, also the administrator's (root) password;
 *   held in memory only: it goes into the generated script and nowhere else
 * @hostname: the guest's host name (letters, digits, "-")
 * @timezone: an IANA time zone ("Europe/Paris")
 * @language: a locale without encoding ("en_US")
 * @keyboard: an X11 keyboard layout ("us")
 * @product_key: (nullable): a Windows product key
 *
 * What an express install asks for.
 */
typedef struct {
  char *user_login;
  char *user_realname;
  char *password;
  char *hostname;
  char *timezone;
  char *language;
  char *keyboard;
  char *product_key;
} TerraExpressConfig;

/**
 * TerraExpressSetup:
 * @directory: the folder holding the files below; delete it once the
 *   install is done (terra_express_remove_directory())
 * @script_name: the script's file name ("preseed.cfg", "fedora.ks")
 * @injection: "initrd" (the script is appended to the installer's initrd)
 *   or "cdrom" (a small disc labelled OEMDRV holds it)
 * @kernel: (nullable): the installer's kernel, for direct kernel boot
 * @initrd: (nullable): its initrd (with the script, for "initrd")
 * @cmdline: (nullable): the kernel command line libosinfo asks for
 * @script_disc: (nullable): the ISO holding the script, for "cdrom"
 *
 * Files prepared for an express install.
 */
typedef struct {
  char *directory;
  char *script_name;
  char *injection;
  char *kernel;
  char *initrd;
  char *cmdline;
  char *script_disc;
} TerraExpressSetup;

/* The volume label Anaconda (Fedora, RHEL) searches for a kickstart and
 * that Windows Setup ignores (it searches every removable drive). */
#define TERRA_EXPRESS_DISC_LABEL "OEMDRV"

TerraExpressConfig  *terra_express_config_new_for_host (const char               *machine_name);
TerraExpressConfig  *terra_express_config_copy         (const TerraExpressConfig *config);
void                 terra_express_config_free         (TerraExpressConfig       *config);
char                *terra_express_hostname_for        (const char               *machine_name);

OsinfoInstallScript *terra_express_find_script         (OsinfoOs                 *os,
                                                        GError                  **error);
gboolean             terra_express_supported           (OsinfoOs                 *os);
TerraExpressSetup   *terra_express_prepare_sync        (OsinfoOs                 *os,
                                                        const char               *media_path,
                                                        const TerraExpressConfig *config,
                                                        gboolean                  virtio_disk,
                                                        const char               *directory,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);
TerraExpressSetup   *terra_express_setup_copy          (const TerraExpressSetup  *setup);
void                 terra_express_setup_free          (TerraExpressSetup        *setup);
void                 terra_express_remove_directory    (const char               *directory);
char                *terra_express_dup_cache_dir       (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraExpressConfig, terra_express_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerraExpressSetup, terra_express_setup_free)

G_END_DECLS
