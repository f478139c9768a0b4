/* terra-machine.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-machine"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <libvirt/virterror.h>
#include <libvirt-gconfig/libvirt-gconfig.h>

#include "terra-core-enums.h"
#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-machine.h"
#include "terra-machine-ops.h"

/*
 * One libvirt domain. Its fields are only written on the main thread (or
 * before the object is shared): workers fetch a MachineInfo snapshot and the
 * main thread applies it.
 */

typedef struct {
  char              *name;
  char              *uuid;
  char              *os_id;
  char              *os_name;
  char              *media_path;
  TerraMachineState  state;
  guint64            memory_mib;
  guint              vcpus;
  TerraAccel         accel;
  char              *description;
  gboolean           saved;       /* off with a managed save image: starting restores it */
  gboolean           disposable;  /* running with transient disks */
  gboolean           uefi;
  gboolean           installing;  /* an express install's installer stage runs (or ended: finish it) */
  gboolean           autostart;          /* starts with the libvirt session */
  gboolean           reset_on_shutdown;  /* every run is disposable */
  gboolean           network;            /* has a network card */
  gboolean           sound;              /* has a sound card */
  char              *video;              /* "qxl", "virtio"… */
  char              *lab;                /* the lab it belongs to, or NULL */
  char              *lab_file;           /* that lab's file, or NULL */
  char              *shared_folder;      /* host folder shared over virtio-9p, or NULL */
  char              *created;            /* ISO 8601 UTC from our metadata, or NULL */
} MachineInfo;

struct _TerraMachine
{
  GObject          parent_instance;
  TerraConnection *connection;
  virDomainPtr     domain;
  MachineInfo      info;
  guint            serial;  /* bumped by each refresh and event: older refreshes are stale */
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_OS_ID,
  PROP_OS_NAME,
  PROP_STATE,
  PROP_MEMORY_MIB,
  PROP_VCPUS,
  PROP_ACCEL,
  PROP_CAN_START,
  PROP_CAN_STOP,
  PROP_IS_RUNNING,
  PROP_DESCRIPTION,
  PROP_SAVED,
  PROP_DISPOSABLE,
  PROP_AUTOSTART,
  PROP_RESET_ON_SHUTDOWN,
  PROP_LAB,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (TerraMachine, terra_machine, G_TYPE_OBJECT)

static void
machine_info_clear (MachineInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->uuid, g_free);
  g_clear_pointer (&info->os_id, g_free);
  g_clear_pointer (&info->os_name, g_free);
  g_clear_pointer (&info->media_path, g_free);
  g_clear_pointer (&info->lab, g_free);
  g_clear_pointer (&info->lab_file, g_free);
  g_clear_pointer (&info->shared_folder, g_free);
  g_clear_pointer (&info->created, g_free);
  g_clear_pointer (&info->description, g_free);
  g_clear_pointer (&info->video, g_free);
}

static void
machine_info_free (MachineInfo *info)
{
  machine_info_clear (info);
  g_free (info);
}

/**
 * terra_machine_state_to_string:
 * @state: a #TerraMachineState
 *
 * Returns: (transfer none): the stable name used by `terrarium-ctl list --json`
 */
const char *
terra_machine_state_to_string (TerraMachineState state)
{
  switch (state)
    {
    case TERRA_MACHINE_STATE_SHUTOFF:   return "shutoff";
    case TERRA_MACHINE_STATE_RUNNING:   return "running";
    case TERRA_MACHINE_STATE_PAUSED:    return "paused";
    case TERRA_MACHINE_STATE_CRASHED:   return "crashed";
    case TERRA_MACHINE_STATE_SUSPENDED: return "suspended";
    case TERRA_MACHINE_STATE_OTHER:
    default:                            return "other";
    }
}

/**
 * terra_machine_state_to_label:
 * @state: a #TerraMachineState
 *
 * Returns: (transfer none): the translated label the collection shows
 */
const char *
terra_machine_state_to_label (TerraMachineState state)
{
  switch (state)
    {
    case TERRA_MACHINE_STATE_SHUTOFF:   return _("Off");
    case TERRA_MACHINE_STATE_RUNNING:   return _("Running");
    case TERRA_MACHINE_STATE_PAUSED:    return _("Paused");
    case TERRA_MACHINE_STATE_CRASHED:   return _("Crashed");
    case TERRA_MACHINE_STATE_SUSPENDED: return _("Suspended");
    case TERRA_MACHINE_STATE_OTHER:
    default:                            return _("Unknown");
    }
}

/**
 * terra_accel_to_string:
 * @accel: a #TerraAccel
 *
 * Returns: (transfer none): "kvm" or "tcg"
 */
const char *
terra_accel_to_string (TerraAccel accel)
{
  return accel == TERRA_ACCEL_KVM ? "kvm" : "tcg";
}

static TerraMachineState
map_state (int state,
           int reason)
{
  switch (state)
    {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
    case VIR_DOMAIN_SHUTDOWN: /* being shut down: still running */
      return TERRA_MACHINE_STATE_RUNNING;
    case VIR_DOMAIN_PAUSED:
      return TERRA_MACHINE_STATE_PAUSED;
    case VIR_DOMAIN_SHUTOFF:
      return TERRA_MACHINE_STATE_SHUTOFF;
    case VIR_DOMAIN_CRASHED:
      return TERRA_MACHINE_STATE_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED:
      return TERRA_MACHINE_STATE_SUSPENDED;
    default:
      return TERRA_MACHINE_STATE_OTHER;
    }
}

/* Worker thread: everything the collection shows about a domain. */
static MachineInfo *
fetch_info (virDomainPtr   domain,
            GError       **error)
{
  g_autoptr(GVirConfigDomain) config = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autofree char *xml = NULL;
  g_autoptr(GError) local_error = NULL;
  MachineInfo *info;
  char uuid[VIR_UUID_STRING_BUFLEN];
  const char *name;
  int state = VIR_DOMAIN_NOSTATE, reason = 0;

  name = virDomainGetName (domain);
  if (name == NULL || virDomainGetUUIDString (domain, uuid) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read a virtual machine’s identity."));
      return NULL;
    }

  if (virDomainGetState (domain, &state, &reason, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not read the state of “%s”."), name);
      return NULL;
    }

  xml = virDomainGetXMLDesc (domain, 0);
  if (xml == NULL)
    {
      terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), name);
      return NULL;
    }

  config = gvir_config_domain_new_from_xml (xml, &local_error);
  if (config == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("The configuration of “%s” could not be read.\n\n%s"),
                   name, local_error->message);
      return NULL;
    }

  md = terra_domain_metadata_parse (xml);

  info = g_new0 (MachineInfo, 1);
  info->description = g_strdup (gvir_config_domain_get_description (config));
  {
    GList *devices = gvir_config_domain_get_devices (config);
    for (GList *l = devices; l != NULL; l = l->next)
      {
        info->network |= GVIR_CONFIG_IS_DOMAIN_INTERFACE (l->data);
        info->sound |= GVIR_CONFIG_IS_DOMAIN_SOUND (l->data);
        if (GVIR_CONFIG_IS_DOMAIN_VIDEO (l->data) && info->video == NULL)
          {
            GVirConfigDomainVideoModel model = gvir_config_domain_video_get_model (l->data);
            info->video = g_strdup (model == GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO ? "virtio"
                                    : model == GVIR_CONFIG_DOMAIN_VIDEO_MODEL_QXL ? "qxl" : "other");
          }
      }
    g_list_free_full (devices, g_object_unref);
  }
  info->disposable = state != VIR_DOMAIN_SHUTOFF && terra_domain_xml_has_transient_disk (xml);
  info->uefi = terra_domain_xml_uses_uefi (xml);
  info->shared_folder = terra_domain_xml_shared_folder (xml);
  info->saved = state == VIR_DOMAIN_SHUTOFF && virDomainHasManagedSaveImage (domain, 0) == 1;
  {
    int autostart = 0;
    g_autofree char *inactive = state == VIR_DOMAIN_SHUTOFF ? NULL
                                : virDomainGetXMLDesc (domain, VIR_DOMAIN_XML_INACTIVE);
    if (virDomainGetAutostart (domain, &autostart) == 0)
      info->autostart = autostart != 0;
    info->reset_on_shutdown = terra_domain_xml_has_transient_disk (inactive ? inactive : xml);
  }
  virResetLastError ();
  info->name = g_strdup (name);
  info->uuid = g_strdup (uuid);
  info->state = map_state (state, reason);
  info->memory_mib = gvir_config_domain_get_memory (config) / 1024; /* KiB → MiB */
  info->vcpus = (guint)gvir_config_domain_get_vcpus (config);
  info->accel = gvir_config_domain_get_virt_type (config) == GVIR_CONFIG_DOMAIN_VIRT_KVM
                ? TERRA_ACCEL_KVM : TERRA_ACCEL_TCG;
  if (md != NULL)
    {
      info->installing = g_strcmp0 (md->install, "express") == 0;
      info->os_id = g_strdup (md->os_short_id);
      info->os_name = g_strdup (md->os_name);
      info->media_path = g_strdup (md->media_path);
      info->lab = g_strdup (md->lab_name);
      info->lab_file = g_strdup (md->lab_file);
      info->created = g_strdup (md->created);
    }
  return info;
}

static gboolean
can_start (TerraMachineState state)
{
  return state == TERRA_MACHINE_STATE_SHUTOFF || state == TERRA_MACHINE_STATE_CRASHED;
}

static gboolean
can_stop (TerraMachineState state)
{
  return state == TERRA_MACHINE_STATE_RUNNING ||
         state == TERRA_MACHINE_STATE_PAUSED ||
         state == TERRA_MACHINE_STATE_SUSPENDED;
}

#define SET_STR(field, prop) \
  G_STMT_START { \
    if (g_strcmp0 (self->info.field, info->field) != 0) \
      { \
        g_free (self->info.field); \
        self->info.field = g_strdup (info->field); \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

#define SET_NUM(field, prop) \
  G_STMT_START { \
    if (self->info.field != info->field) \
      { \
        self->info.field = info->field; \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]); \
      } \
  } G_STMT_END

static void
apply_info (TerraMachine      *self,
            const MachineInfo *info)
{
  g_object_freeze_notify (G_OBJECT (self));
  SET_STR (name, PROP_NAME);
  SET_STR (uuid, PROP_UUID);
  SET_STR (os_id, PROP_OS_ID);
  SET_STR (os_name, PROP_OS_NAME);
  g_free (self->info.media_path);
  self->info.media_path = g_strdup (info->media_path);
  SET_NUM (memory_mib, PROP_MEMORY_MIB);
  SET_NUM (vcpus, PROP_VCPUS);
  SET_NUM (accel, PROP_ACCEL);
  SET_STR (description, PROP_DESCRIPTION);
  SET_NUM (saved, PROP_SAVED);
  SET_NUM (disposable, PROP_DISPOSABLE);
  self->info.uefi = info->uefi;
  self->info.installing = info->installing;
  SET_NUM (autostart, PROP_AUTOSTART);
  SET_NUM (reset_on_shutdown, PROP_RESET_ON_SHUTDOWN);
  SET_STR (lab, PROP_LAB);
  g_free (self->info.lab_file);
  self->info.lab_file = g_strdup (info->lab_file);
  g_free (self->info.shared_folder);
  self->info.shared_folder = g_strdup (info->shared_folder);
  g_free (self->info.created);
  self->info.created = g_strdup (info->created);
  self->info.network = info->network;
  self->info.sound = info->sound;
  g_free (self->info.video);
  self->info.video = g_strdup (info->video);
  _terra_machine_set_state (self, info->state);
  g_object_thaw_notify (G_OBJECT (self));
}

#undef SET_STR
#undef SET_NUM

static void
terra_machine_finalize (GObject *object)
{
  TerraMachine *self = (TerraMachine *)object;

  g_clear_pointer (&self->domain, virDomainFree);
  g_clear_object (&self->connection);
  machine_info_clear (&self->info);

  G_OBJECT_CLASS (terra_machine_parent_class)->finalize (object);
}

static void
terra_machine_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TerraMachine *self = TERRA_MACHINE (object);

  switch (prop_id)
    {
    case PROP_NAME:       g_value_set_string (value, self->info.name); break;
    case PROP_UUID:       g_value_set_string (value, self->info.uuid); break;
    case PROP_OS_ID:      g_value_set_string (value, self->info.os_id); break;
    case PROP_OS_NAME:    g_value_set_string (value, self->info.os_name); break;
    case PROP_STATE:      g_value_set_enum (value, self->info.state); break;
    case PROP_MEMORY_MIB: g_value_set_uint64 (value, self->info.memory_mib); break;
    case PROP_VCPUS:      g_value_set_uint (value, self->info.vcpus); break;
    case PROP_ACCEL:      g_value_set_enum (value, self->info.accel); break;
    case PROP_CAN_START:  g_value_set_boolean (value, can_start (self->info.state)); break;
    case PROP_CAN_STOP:   g_value_set_boolean (value, can_stop (self->info.state)); break;
    case PROP_IS_RUNNING: g_value_set_boolean (value, self->info.state == TERRA_MACHINE_STATE_RUNNING); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->info.description); break;
    case PROP_SAVED:      g_value_set_boolean (value, self->info.saved); break;
    case PROP_DISPOSABLE: g_value_set_boolean (value, self->info.disposable); break;
    case PROP_AUTOSTART:  g_value_set_boolean (value, self->info.autostart); break;
    case PROP_RESET_ON_SHUTDOWN: g_value_set_boolean (value, self->info.reset_on_shutdown); break;
    case PROP_LAB:        g_value_set_string (value, self->info.lab); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_machine_class_init (TerraMachineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = terra_machine_finalize;
  object_class->get_property = terra_machine_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, ro);
  properties[PROP_OS_ID] = g_param_spec_string ("os-id", NULL, NULL, NULL, ro);
  properties[PROP_OS_NAME] = g_param_spec_string ("os-name", NULL, NULL, NULL, ro);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, TERRA_TYPE_MACHINE_STATE,
                                              TERRA_MACHINE_STATE_SHUTOFF, ro);
  properties[PROP_MEMORY_MIB] = g_param_spec_uint64 ("memory-mib", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_VCPUS] = g_param_spec_uint ("vcpus", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_ACCEL] = g_param_spec_enum ("accel", NULL, NULL, TERRA_TYPE_ACCEL, TERRA_ACCEL_TCG, ro);
  properties[PROP_CAN_START] = g_param_spec_boolean ("can-start", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_STOP] = g_param_spec_boolean ("can-stop", NULL, NULL, FALSE, ro);
  properties[PROP_IS_RUNNING] = g_param_spec_boolean ("is-running", NULL, NULL, FALSE, ro);
  properties[PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, ro);
  properties[PROP_SAVED] = g_param_spec_boolean ("saved", NULL, NULL, FALSE, ro);
  properties[PROP_DISPOSABLE] = g_param_spec_boolean ("disposable", NULL, NULL, FALSE, ro);
  properties[PROP_AUTOSTART] = g_param_spec_boolean ("autostart", NULL, NULL, FALSE, ro);
  properties[PROP_RESET_ON_SHUTDOWN] = g_param_spec_boolean ("reset-on-shutdown", NULL, NULL, FALSE, ro);
  properties[PROP_LAB] = g_param_spec_string ("lab", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
terra_machine_init (TerraMachine *self)
{
}

/**
 * terra_machine_new_sync:
 * @connection: the connection @domain belongs to
 * @domain: (transfer none): a libvirt domain; the machine takes its own reference
 * @error: %TERRA_ERROR_LIBVIRT when the domain cannot be read
 *
 * Reads a domain (blocking: call it in a worker thread) and makes a machine
 * of it.
 *
 * Returns: (transfer full) (nullable): a new #TerraMachine
 */
TerraMachine *
terra_machine_new_sync (TerraConnection  *connection,
                        virDomainPtr      domain,
                        GError          **error)
{
  TerraMachine *self;
  MachineInfo *info;

  g_return_val_if_fail (TERRA_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (domain != NULL, NULL);

  info = fetch_info (domain, error);
  if (info == NULL)
    return NULL;

  self = g_object_new (TERRA_TYPE_MACHINE, NULL);
  self->connection = g_object_ref (connection);
  virDomainRef (domain);
  self->domain = domain;
  self->info = *info;
  g_free (info); /* fields moved */
  return self;
}

/** terra_machine_get_connection: Returns: (transfer none): the connection */
TerraConnection *
terra_machine_get_connection (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->connection;
}

/** terra_machine_get_name: Returns: (transfer none): the domain name */
const char *
terra_machine_get_name (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.name;
}

/** terra_machine_get_uuid: Returns: (transfer none): the domain UUID string */
const char *
terra_machine_get_uuid (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.uuid;
}

/** terra_machine_get_os_id: Returns: (transfer none) (nullable): libosinfo short id, from our metadata */
const char *
terra_machine_get_os_id (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.os_id;
}

/** terra_machine_get_os_name: Returns: (transfer none) (nullable): OS name, from our metadata */
const char *
terra_machine_get_os_name (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.os_name;
}

/**
 * terra_machine_dup_key:
 * @self: a #TerraMachine
 *
 * What names this machine among every connection the app shows: its
 * connection's URI and its UUID, joined by a newline (the same domain can
 * be reached over two connections, with one UUID).
 *
 * Returns: (transfer full): the key
 */
char *
terra_machine_dup_key (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return g_strdup_printf ("%s\n%s", terra_connection_get_uri (self->connection), self->info.uuid);
}

/** terra_machine_get_lab: Returns: (transfer none) (nullable): the name of the lab (`*.terrarium-lab.yaml`) it belongs to */
const char *
terra_machine_get_lab (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.lab;
}

/** terra_machine_get_lab_file: Returns: (transfer none) (nullable): the path of its lab's file */
const char *
terra_machine_get_lab_file (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.lab_file;
}

/** terra_machine_get_shared_folder: Returns: (transfer none) (nullable): the host folder shared with the guest (virtio-9p, tag "terrarium") */
const char *
terra_machine_get_shared_folder (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.shared_folder;
}

/** terra_machine_get_created: Returns: (transfer none) (nullable): when Terrarium created it (ISO 8601, UTC) */
const char *
terra_machine_get_created (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.created;
}

/** terra_machine_get_media_path: Returns: (transfer none) (nullable): the installer media it was created from */
const char *
terra_machine_get_media_path (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.media_path;
}

/** terra_machine_get_state: Returns: the state; watch `notify::state` */
TerraMachineState
terra_machine_get_state (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), TERRA_MACHINE_STATE_OTHER);
  return self->info.state;
}

/** terra_machine_get_memory_mib: Returns: configured RAM in MiB */
guint64
terra_machine_get_memory_mib (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), 0);
  return self->info.memory_mib;
}

/** terra_machine_get_vcpus: Returns: configured vCPUs */
guint
terra_machine_get_vcpus (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), 0);
  return self->info.vcpus;
}

/** terra_machine_get_accel: Returns: KVM when the domain type is kvm, else TCG */
TerraAccel
terra_machine_get_accel (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), TERRA_ACCEL_TCG);
  return self->info.accel;
}

/** terra_machine_get_can_start: Returns: %TRUE when off or crashed */
gboolean
terra_machine_get_can_start (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return can_start (self->info.state);
}

/** terra_machine_get_can_stop: Returns: %TRUE when running, paused or suspended */
gboolean
terra_machine_get_can_stop (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return can_stop (self->info.state);
}

/** terra_machine_get_is_running: Returns: %TRUE when running */
gboolean
terra_machine_get_is_running (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.state == TERRA_MACHINE_STATE_RUNNING;
}

/*< private >
 * _terra_machine_set_state: for the store, on a lifecycle event (main thread).
 */
void
_terra_machine_set_state (TerraMachine      *self,
                          TerraMachineState  state)
{
  gboolean old_start, old_stop, old_running;

  g_return_if_fail (TERRA_IS_MACHINE (self));

  if (self->info.state == state)
    return;

  old_start = can_start (self->info.state);
  old_stop = can_stop (self->info.state);
  old_running = self->info.state == TERRA_MACHINE_STATE_RUNNING;
  self->info.state = state;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  if (old_start != can_start (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_START]);
  if (old_stop != can_stop (state))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_STOP]);
  if (old_running != (state == TERRA_MACHINE_STATE_RUNNING))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_RUNNING]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * terra_machine_refresh_sync:
 * @self: a #TerraMachine
 * @error: %TERRA_ERROR_LIBVIRT
 *
 * Re-reads the domain and updates the properties. Blocking and not
 * thread-safe against the main thread: for terrarium-ctl and tests.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_refresh_sync (TerraMachine  *self,
                            GError       **error)
{
  MachineInfo *info;

  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);

  info = fetch_info (self->domain, error);
  if (info == NULL)
    return FALSE;
  apply_info (self, info);
  machine_info_free (info);
  return TRUE;
}

static void
refresh_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TerraMachine *self = source_object;
  GError *error = NULL;
  MachineInfo *info = fetch_info (self->domain, &error);

  if (info == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, info, (GDestroyNotify)machine_info_free);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;
  MachineInfo *info = g_task_propagate_pointer (G_TASK (result), &error);
  TerraMachine *self = TERRA_MACHINE (object);

  if (info == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  /* Refreshes run in parallel workers and can finish out of order: only the
   * newest one (no event since it started) may write the properties. */
  if (GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result))) == self->serial)
    apply_info (self, info);
  machine_info_free (info);
  g_task_return_boolean (outer, TRUE);
}

/**
 * terra_machine_refresh_async:
 * @self: a #TerraMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread after the properties are updated
 * @user_data: data for @callback
 *
 * Re-reads the domain in a worker thread; the properties change on the main
 * thread before @callback runs.
 */
void
terra_machine_refresh_async (TerraMachine        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (TERRA_IS_MACHINE (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, terra_machine_refresh_async);
  inner = g_task_new (self, cancellable, refresh_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, GUINT_TO_POINTER (++self->serial), NULL);
  g_task_run_in_thread (inner, refresh_worker);
}

/**
 * terra_machine_refresh_finish:
 * @self: a #TerraMachine
 * @result: the result
 * @error: %TERRA_ERROR_LIBVIRT
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_refresh_finish (TerraMachine  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Deletes the volumes our metadata lists, but only those that really are in
 * the app's own storage pool: a path that went stale or points elsewhere is
 * never deleted. */
static void
delete_owned_volumes (virConnectPtr   conn,
                      char          **volumes,
                      const char     *name)
{
  for (guint i = 0; volumes != NULL && volumes[i] != NULL; i++)
    {
      virStorageVolPtr vol = virStorageVolLookupByPath (conn, volumes[i]);
      virStoragePoolPtr pool = NULL;

      if (vol == NULL)
        {
          virResetLastError ();
          continue;
        }
      pool = virStoragePoolLookupByVolume (vol);
      if (pool != NULL && g_strcmp0 (virStoragePoolGetName (pool), "terrarium") == 0)
        {
          if (virStorageVolDelete (vol, 0) < 0)
            {
              g_warning ("Could not delete volume %s of “%s”: %s", volumes[i], name,
                         virGetLastErrorMessage ());
              virResetLastError ();
            }
        }
      else
        g_message ("Not deleting %s: not in the terrarium storage pool", volumes[i]);
      g_clear_pointer (&pool, virStoragePoolFree);
      virStorageVolFree (vol);
    }
}

/* Undefines with the domain's managed save, snapshot metadata and NVRAM.
 * Drivers that do not know a flag (the NVRAM flag on drivers without
 * firmware files, e.g. libvirt's test driver) reject the call, so it is
 * retried without it: a domain without NVRAM has none to remove. */
static int
undefine_domain (virDomainPtr dom)
{
  const unsigned int base = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
  virErrorPtr err;

  if (virDomainUndefineFlags (dom, base | VIR_DOMAIN_UNDEFINE_NVRAM) == 0)
    return 0;
  err = virGetLastError ();
  if (err == NULL || (err->code != VIR_ERR_INVALID_ARG && err->code != VIR_ERR_NO_SUPPORT))
    return -1;
  virResetLastError ();
  return virDomainUndefineFlags (dom, base);
}

/**
 * terra_machine_run_action_sync:
 * @self: a #TerraMachine
 * @action: what to do
 * @cancellable: (nullable): checked before starting
 * @error: %TERRA_ERROR_WRONG_STATE when the machine is not in a state for
 *   @action, %TERRA_ERROR_LIBVIRT with libvirt's detail otherwise
 *
 * Runs a lifecycle action, blocking: call it from a worker thread (see
 * terra_machine_run_action_async()) or terrarium-ctl. Shutdown presses the
 * ACPI power button (VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN): the guest decides.
 * Delete forces the guest off, undefines the domain (with its managed save,
 * snapshot metadata and NVRAM) and deletes the volumes our metadata says the
 * app created, if they are in the `terrarium` pool; nothing else.
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_run_action_sync (TerraMachine        *self,
                               TerraMachineAction   action,
                               GCancellable        *cancellable,
                               GError             **error)
{
  const char *name;
  int state = VIR_DOMAIN_NOSTATE, reason = 0;

  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  name = virDomainGetName (self->domain);
  if (virDomainGetState (self->domain, &state, &reason, 0) < 0)
    {
      terra_set_error_from_libvirt (error, _("“%s” is not available."), name);
      return FALSE;
    }

  switch (action)
    {
    case TERRA_MACHINE_ACTION_START:
      if (state == VIR_DOMAIN_PAUSED)
        {
          if (virDomainResume (self->domain) < 0)
            {
              terra_set_error_from_libvirt (error, _("Could not resume “%s”."), name);
              return FALSE;
            }
          return TRUE;
        }
      if (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                       _("“%s” is already running."), name);
          return FALSE;
        }
      /* An express install whose installer stopped (its first reboot):
       * from now on the machine boots its disk. */
      if (self->info.installing && !terra_machine_finish_install_sync (self, error))
        return FALSE;
      if (virDomainCreate (self->domain) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not start “%s”."), name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_SHUTDOWN:
      if (state == VIR_DOMAIN_SHUTOFF)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                       _("“%s” is already off."), name);
          return FALSE;
        }
      if (virDomainShutdownFlags (self->domain, VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) < 0)
        {
          terra_set_error_from_libvirt (error,
                                        _("Could not ask “%s” to shut down. Use Force Off if the guest does not respond."),
                                        name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_FORCE_OFF:
      if (state == VIR_DOMAIN_SHUTOFF)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                       _("“%s” is already off."), name);
          return FALSE;
        }
      if (virDomainDestroy (self->domain) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not force “%s” off."), name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_DELETE:
      {
        g_autoptr(TerraDomainMetadata) md = NULL;
        g_autofree char *xml = NULL;
        virConnectPtr conn = virDomainGetConnect (self->domain);

        xml = virDomainGetXMLDesc (self->domain, VIR_DOMAIN_XML_INACTIVE);
        if (xml == NULL)
          {
            terra_set_error_from_libvirt (error, _("Could not delete “%s”."), name);
            return FALSE;
          }
        md = terra_domain_metadata_parse (xml);

        if (state != VIR_DOMAIN_SHUTOFF && virDomainDestroy (self->domain) < 0)
          {
            terra_set_error_from_libvirt (error, _("Could not force “%s” off to delete it."), name);
            return FALSE;
          }
        if (undefine_domain (self->domain) < 0)
          {
            terra_set_error_from_libvirt (error, _("Could not delete “%s”."), name);
            return FALSE;
          }
        if (md != NULL)
          delete_owned_volumes (conn, md->volumes, name);
        return TRUE;
      }

    case TERRA_MACHINE_ACTION_REBOOT:
      if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_BLOCKED)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("“%s” is not running."), name);
          return FALSE;
        }
      if (virDomainReboot (self->domain, VIR_DOMAIN_REBOOT_ACPI_POWER_BTN) < 0)
        {
          virResetLastError ();
          /* Guests that ignore ACPI: a hard reset, like the reset button. */
          if (virDomainReset (self->domain, 0) < 0)
            {
              terra_set_error_from_libvirt (error, _("Could not restart “%s”."), name);
              return FALSE;
            }
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_PAUSE:
      if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_BLOCKED)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("“%s” is not running."), name);
          return FALSE;
        }
      if (virDomainSuspend (self->domain) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not pause “%s”."), name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_RESUME:
      if (state != VIR_DOMAIN_PAUSED)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("“%s” is not paused."), name);
          return FALSE;
        }
      if (virDomainResume (self->domain) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not resume “%s”."), name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_SAVE:
      if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_BLOCKED && state != VIR_DOMAIN_PAUSED)
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("“%s” is not running, so there is nothing to save."), name);
          return FALSE;
        }
      {
        g_autofree char *live = virDomainGetXMLDesc (self->domain, 0);
        if (live != NULL && terra_domain_xml_has_transient_disk (live))
          {
            g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                         _("“%s” is a disposable run: its changes go when it stops, so its state cannot be saved."), name);
            return FALSE;
          }
      }
      /* libvirt's managed save: memory to a file libvirt owns; the next start restores it. */
      if (virDomainManagedSave (self->domain, 0) < 0)
        {
          terra_set_error_from_libvirt (error, _("Could not save the state of “%s”."), name);
          return FALSE;
        }
      return TRUE;

    case TERRA_MACHINE_ACTION_START_DISPOSABLE:
      {
        g_autofree char *xml = NULL;
        g_autofree char *disposable = NULL;
        virDomainPtr live;

        if (state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED)
          {
            g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                         _("“%s” is running. Shut it down to run a disposable copy."), name);
            return FALSE;
          }
        if (virDomainHasManagedSaveImage (self->domain, 0) == 1)
          {
            g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE,
                         _("“%s” has a saved state. Start it normally to restore it, or discard the saved state first."), name);
            return FALSE;
          }
        virResetLastError ();
        xml = virDomainGetXMLDesc (self->domain, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
        if (xml == NULL)
          {
            terra_set_error_from_libvirt (error, _("Could not read the configuration of “%s”."), name);
            return FALSE;
          }
        disposable = terra_domain_xml_make_disposable (xml, error);
        if (disposable == NULL)
          return FALSE;
        live = virDomainCreateXML (virDomainGetConnect (self->domain), disposable, 0);
        if (live == NULL)
          {
            terra_set_error_from_libvirt (error, _("Could not start a disposable run of “%s”."), name);
            return FALSE;
          }
        virDomainFree (live);
        return TRUE;
      }

    default:
      g_return_val_if_reached (FALSE);
    }
}

static void
action_worker (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (terra_machine_run_action_sync (source_object, GPOINTER_TO_INT (task_data), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * terra_machine_run_action_async:
 * @self: a #TerraMachine
 * @action: what to do
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_machine_run_action_sync() in a worker thread. The state change
 * itself arrives through the connection's lifecycle events.
 */
void
terra_machine_run_action_async (TerraMachine        *self,
                                TerraMachineAction   action,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TERRA_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, terra_machine_run_action_async);
  g_task_set_task_data (task, GINT_TO_POINTER (action), NULL);
  g_task_run_in_thread (task, action_worker);
}

/**
 * terra_machine_run_action_finish:
 * @self: a #TerraMachine
 * @result: the result
 * @error: as terra_machine_run_action_sync()
 *
 * Returns: %TRUE on success
 */
gboolean
terra_machine_run_action_finish (TerraMachine  *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * terra_machine_open_graphics_fd_sync:
 * @self: a running #TerraMachine
 * @error: %TERRA_ERROR_DISPLAY with libvirt's detail
 *
 * A connected socket to the guest's SPICE server, from
 * virDomainOpenGraphicsFD (idx 0, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH): no TCP
 * port is involved. Works only over a local libvirt connection (libvirt API
 * docs). Blocking: call from a worker thread.
 *
 * Returns: a file descriptor the caller owns, or -1
 */
int
terra_machine_open_graphics_fd_sync (TerraMachine  *self,
                                     GError       **error)
{
  int fd;

  g_return_val_if_fail (TERRA_IS_MACHINE (self), -1);

  fd = virDomainOpenGraphicsFD (self->domain, 0, VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH);
  if (fd < 0)
    {
      const char *uri = terra_connection_get_uri (self->connection);

      /* libvirt hands the display over as a file descriptor on its local
       * socket; a network connection (qemu+ssh, +tcp, +tls) cannot carry one. */
      if (!terra_connection_uri_is_local (uri))
        {
          /* Copied now: the next libvirt call (even virDomainGetName) resets it. */
          virErrorPtr err = virGetLastError ();
          g_autofree char *detail = g_strdup (err && err->message ? err->message : "");
          g_autofree char *where = terra_connection_uri_describe (uri);
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_DISPLAY,
                       _("“%s” runs on another computer: its screen cannot be shown here\n\n"
                         "libvirt hands a guest’s display over only on the computer it runs on, not over a "
                         "network connection (%s). Open it there, or with:\n"
                         "virt-viewer --connect '%s' %s\n\n%s"),
                       virDomainGetName (self->domain), where, uri, virDomainGetName (self->domain), detail);
          virResetLastError ();
        }
      else
        /* (our name, not virDomainGetName(): any libvirt call resets the error) */
        terra_set_error_from_libvirt (error, _("Could not open the display of “%s”."), self->info.name);
      if (error != NULL && *error != NULL)
        (*error)->code = TERRA_ERROR_DISPLAY;
      return -1;
    }
  return fd;
}

static void
graphics_fd_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  int fd = terra_machine_open_graphics_fd_sync (source_object, &error);

  if (fd < 0)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    close (fd);
  else
    g_task_return_int (task, fd);
}

/**
 * terra_machine_provide_graphics_fd:
 * @machine: (type TerraMachine): the machine whose display is wanted
 * @cancellable: (nullable): stops the wait
 * @callback: gets the fd from terra_machine_open_graphics_fd_finish()
 * @user_data: data for @callback
 *
 * A display fd provider (the shape of TerraDisplayFdProvider, which the
 * display code takes so that it never calls libvirt itself): calls
 * terra_machine_open_graphics_fd_async() for @machine.
 */
void
terra_machine_provide_graphics_fd (gpointer             machine,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  terra_machine_open_graphics_fd_async (TERRA_MACHINE (machine), cancellable, callback, user_data);
}

/**
 * terra_machine_open_graphics_fd_async:
 * @self: a running #TerraMachine
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * terra_machine_open_graphics_fd_sync() in a worker thread. The result is
 * a #GTask whose int value is the fd, so it can serve directly as a
 * display fd provider (see display/terra-display-session.h).
 */
void
terra_machine_open_graphics_fd_async (TerraMachine        *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TERRA_IS_MACHINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, terra_machine_open_graphics_fd_async);
  g_task_run_in_thread (task, graphics_fd_worker);
}

/**
 * terra_machine_open_graphics_fd_finish:
 * @self: a #TerraMachine
 * @result: the result
 * @error: %TERRA_ERROR_DISPLAY
 *
 * Returns: (transfer full): the fd, or -1
 */
int
terra_machine_open_graphics_fd_finish (TerraMachine  *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  gssize fd;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  fd = g_task_propagate_int (G_TASK (result), error);
  return fd < 0 && error != NULL && *error != NULL ? -1 : (int)fd;
}

/** terra_machine_get_description: Returns: (transfer none) (nullable): the user's description */
const char *
terra_machine_get_description (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.description;
}

/** terra_machine_get_saved: Returns: whether it is off with a saved state (libvirt managed save) that the next start restores */
gboolean
terra_machine_get_saved (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.saved;
}

/** terra_machine_get_disposable: Returns: whether it runs with transient disks (a disposable run) */
gboolean
terra_machine_get_disposable (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.disposable;
}

/**
 * terra_machine_get_installing:
 * @self: a #TerraMachine
 *
 * Returns: whether an express install's installer stage runs: the machine
 *   boots the installer with its script; when it is off again that stage
 *   is over and terra_machine_finish_install_sync() makes it boot its disk
 */
gboolean
terra_machine_get_installing (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.installing;
}

/** terra_machine_get_uefi: Returns: whether it boots with UEFI firmware */
gboolean
terra_machine_get_uefi (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.uefi;
}

/**
 * terra_machine_get_domain:
 * @self: a #TerraMachine
 *
 * For the core's workers only (libvirt calls never run on the main thread).
 *
 * Returns: (transfer none): the libvirt domain
 */
virDomainPtr
terra_machine_get_domain (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->domain;
}

/** terra_machine_get_autostart: Returns: whether libvirt starts it with the session daemon */
gboolean
terra_machine_get_autostart (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.autostart;
}

/** terra_machine_get_reset_on_shutdown: Returns: whether every run is disposable (transient disks in its definition) */
gboolean
terra_machine_get_reset_on_shutdown (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.reset_on_shutdown;
}

/** terra_machine_get_has_network: Returns: whether it has a network card */
gboolean
terra_machine_get_has_network (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.network;
}

/** terra_machine_get_has_sound: Returns: whether it has a sound card */
gboolean
terra_machine_get_has_sound (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), FALSE);
  return self->info.sound;
}

/** terra_machine_get_video: Returns: (nullable): the video card model: "qxl", "virtio" or "other" */
const char *
terra_machine_get_video (TerraMachine *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE (self), NULL);
  return self->info.video;
}
