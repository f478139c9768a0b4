/* terra-error.h
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TERRA_ERROR:
 *
 * The one error domain of Terrarium. Cancellation stays %G_IO_ERROR_CANCELLED.
 * Messages are for people: a first line that says what failed and what to do,
 * then (after a blank line) the technical detail, e.g. libvirt's own message.
 * Use terra_error_get_summary() and terra_error_get_detail() to split them.
 */
#define TERRA_ERROR (terra_error_quark ())

typedef enum {
  TERRA_ERROR_FAILED = 1,        /* anything else */
  TERRA_ERROR_LIBVIRT,           /* a libvirt call failed; detail is libvirt's message */
  TERRA_ERROR_NOT_CONNECTED,     /* no connection to the libvirt daemon */
  TERRA_ERROR_NOT_FOUND,         /* no machine / volume / file of that name */
  TERRA_ERROR_INVALID_NAME,      /* empty or unusable machine name */
  TERRA_ERROR_NAME_EXISTS,       /* a machine of that name exists */
  TERRA_ERROR_INVALID_MEDIA,     /* missing, empty, not a regular file, not a disc image */
  TERRA_ERROR_INVALID_ARGUMENT,  /* a value out of range (memory, vCPUs, disk size) */
  TERRA_ERROR_STORAGE,           /* storage pool or volume trouble */
  TERRA_ERROR_DISPLAY,           /* the guest display could not be opened */
  TERRA_ERROR_NO_KVM,            /* KVM asked for but not available */
  TERRA_ERROR_NOT_ENOUGH_MEMORY, /* the host cannot give what is asked */
  TERRA_ERROR_WRONG_STATE,       /* e.g. shutting down a machine that is off */
  TERRA_ERROR_INVALID_LAB,       /* a lab file with problems (each one with file:line:column) */
  TERRA_ERROR_DOWNLOAD,          /* a download failed or its checksum did not match */
} TerraError;

GQuark  terra_error_quark        (void);
void    terra_set_error_from_libvirt (GError     **error,
                                      const char  *format,
                                      ...) G_GNUC_PRINTF (2, 3);
char   *terra_error_get_summary  (const GError *error);
char   *terra_error_get_detail   (const GError *error);

G_END_DECLS
