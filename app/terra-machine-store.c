/* terra-machine-store.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-machine-store"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libvirt/virterror.h>

#include "terra-error.h"
#include "terra-machine-store.h"

/*
 * The collection's model. All changes happen on the main thread: listing and
 * reading domains runs in workers (GTask) and the results are applied here.
 * A generation counter drops results that belong to an earlier connection.
 */

struct _TerraMachineStore
{
  GObject          parent_instance;
  TerraConnection *connection;
  GPtrArray       *items;       /* TerraMachine, sorted by name */
  guint            generation;
  gboolean         loaded;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_LOADED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TerraMachineStore, terra_machine_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return TERRA_TYPE_MACHINE;
}

static guint
get_n_items (GListModel *model)
{
  return TERRA_MACHINE_STORE (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static int
compare_machines (gconstpointer a,
                  gconstpointer b)
{
  TerraMachine *ma = *(TerraMachine **)a;
  TerraMachine *mb = *(TerraMachine **)b;
  g_autofree char *fa = g_utf8_casefold (terra_machine_get_name (ma), -1);
  g_autofree char *fb = g_utf8_casefold (terra_machine_get_name (mb), -1);
  g_autofree char *ka = g_utf8_collate_key_for_filename (fa, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (fb, -1);
  int cmp = strcmp (ka, kb);

  /* Case-insensitive first ("demo" before "Lab box"), then stable by exact name. */
  return cmp != 0 ? cmp : g_strcmp0 (terra_machine_get_name (ma), terra_machine_get_name (mb));
}

static gboolean
find_uuid (TerraMachineStore *self,
           const char        *uuid,
           guint             *position)
{
  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (terra_machine_get_uuid (g_ptr_array_index (self->items, i)), uuid) == 0)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

static void
set_loaded (TerraMachineStore *self,
            gboolean           loaded)
{
  if (self->loaded == loaded)
    return;
  self->loaded = loaded;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
replace_all (TerraMachineStore *self,
             GPtrArray         *machines)
{
  guint removed = self->items->len;

  g_ptr_array_sort (machines, compare_machines);
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < machines->len; i++)
    g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (machines, i)));
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->items->len);
  if (removed != self->items->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
insert_sorted (TerraMachineStore *self,
               TerraMachine      *machine)
{
  guint pos = 0;

  while (pos < self->items->len &&
         compare_machines (&g_ptr_array_index (self->items, pos), &machine) < 0)
    pos++;
  g_ptr_array_insert (self->items, pos, g_object_ref (machine));
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* Worker: every domain of the connection as a machine. */
static void
load_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TerraMachineStore *self = source_object;
  g_autoptr(GPtrArray) machines = g_ptr_array_new_with_free_func (g_object_unref);
  virConnectPtr conn = terra_connection_dup_handle (self->connection);
  virDomainPtr *domains = NULL;
  int n;

  if (conn == NULL)
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED,
                               "Not connected");
      return;
    }

  n = virConnectListAllDomains (conn, &domains, 0);
  if (n < 0)
    {
      GError *error = NULL;
      terra_set_error_from_libvirt (&error, "Could not list virtual machines.");
      g_task_return_error (task, error);
      virConnectClose (conn);
      return;
    }

  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      TerraMachine *machine = terra_machine_new_sync (self->connection, domains[i], &error);

      /* A domain undefined while we list it is not an error. */
      if (machine != NULL)
        g_ptr_array_add (machines, machine);
      else
        g_debug ("Skipping a domain: %s", error->message);
      virDomainFree (domains[i]);
    }
  free (domains);
  virConnectClose (conn);

  g_task_return_pointer (task, g_steal_pointer (&machines), (GDestroyNotify)g_ptr_array_unref);
}

static void maybe_continue_install (TerraMachineStore *self,
                                    TerraMachine      *machine);

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (object);
  guint generation = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) machines = g_task_propagate_pointer (G_TASK (result), &error);

  if (generation != self->generation)
    return;
  if (machines == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  replace_all (self, machines);
  set_loaded (self, TRUE);
  /* An install that stopped while the app was closed goes on now. */
  for (guint i = 0; i < self->items->len; i++)
    maybe_continue_install (self, g_ptr_array_index (self->items, i));
}

static void
reload (TerraMachineStore *self)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, load_cb, NULL);

  g_task_set_source_tag (task, reload);
  g_task_set_task_data (task, GUINT_TO_POINTER (++self->generation), NULL);
  g_task_run_in_thread (task, load_worker);
}

/* Worker: a domain that was just defined, by UUID. */
static void
add_worker (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  TerraMachineStore *self = source_object;
  const char *uuid = g_object_get_data (G_OBJECT (task), "uuid");
  virConnectPtr conn = terra_connection_dup_handle (self->connection);
  virDomainPtr dom;
  GError *error = NULL;
  TerraMachine *machine;

  if (conn == NULL)
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_NOT_CONNECTED, "Not connected");
      return;
    }
  dom = virDomainLookupByUUIDString (conn, uuid);
  if (dom == NULL)
    {
      terra_set_error_from_libvirt (&error, "Domain %s vanished", uuid);
      g_task_return_error (task, error);
      virConnectClose (conn);
      return;
    }
  machine = terra_machine_new_sync (self->connection, dom, &error);
  virDomainFree (dom);
  virConnectClose (conn);
  if (machine == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, machine, g_object_unref);
}

static void
add_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (object);
  guint generation = GPOINTER_TO_UINT (g_task_get_task_data (G_TASK (result)));
  g_autoptr(GError) error = NULL;
  g_autoptr(TerraMachine) machine = g_task_propagate_pointer (G_TASK (result), &error);
  guint pos;

  if (generation != self->generation || machine == NULL)
    return;
  if (find_uuid (self, terra_machine_get_uuid (machine), &pos))
    return; /* a reload got there first */
  insert_sorted (self, machine);
  /* Events for this domain that came while it was read in the worker found no
   * machine to update (e.g. "started" right after "defined"): read it again. */
  terra_machine_refresh_async (machine, NULL, NULL, NULL);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!terra_machine_refresh_finish (TERRA_MACHINE (object), result, &error))
    g_debug ("Refresh failed: %s", error->message);
}

/* Worker: an express install's installer stopped by itself (its first
 * reboot, on_reboot destroy; libvirt gives the reason "shutdown") — start
 * the machine, which now boots its disk (terra_machine_run_action_sync()).
 * A machine forced off by the user is left off: its next start finishes. */
static void
continue_install_worker (GTask        *task,
                         gpointer      source_object,
                         gpointer      task_data,
                         GCancellable *cancellable)
{
  TerraMachine *machine = task_data;
  int state = VIR_DOMAIN_NOSTATE, reason = 0;
  GError *error = NULL;

  g_autofree char *xml = NULL;

  if (virDomainGetState (terra_machine_get_domain (machine), &state, &reason, 0) < 0 ||
      state != VIR_DOMAIN_SHUTOFF || reason != VIR_DOMAIN_SHUTOFF_SHUTDOWN)
    {
      virResetLastError ();
      g_task_return_boolean (task, FALSE);
      return;
    }
  /* Only installers booted by their kernel stop at their first reboot;
   * Windows Setup reboots several times (on_reboot restart) and its answer
   * disc is taken away at the machine's next Start instead. */
  xml = virDomainGetXMLDesc (terra_machine_get_domain (machine), VIR_DOMAIN_XML_INACTIVE);
  if (xml == NULL || strstr (xml, "<on_reboot>destroy</on_reboot>") == NULL)
    {
      virResetLastError ();
      g_task_return_boolean (task, FALSE);
      return;
    }
  if (!terra_machine_run_action_sync (machine, TERRA_MACHINE_ACTION_START, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
continue_install_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) && error != NULL)
    g_warning ("Could not continue an express install: %s", error->message);
}

static void
maybe_continue_install (TerraMachineStore *self,
                        TerraMachine      *machine)
{
  g_autoptr(GTask) task = NULL;

  if (!terra_machine_get_installing (machine) || terra_machine_get_state (machine) != TERRA_MACHINE_STATE_SHUTOFF)
    return;
  task = g_task_new (self, NULL, continue_install_cb, NULL);
  g_task_set_task_data (task, g_object_ref (machine), g_object_unref);
  g_task_run_in_thread (task, continue_install_worker);
}

static void
domain_event_cb (TerraMachineStore *self,
                 const char        *uuid,
                 int                event,
                 int                detail,
                 TerraConnection   *connection)
{
  TerraMachine *machine = NULL;
  guint pos;

  if (find_uuid (self, uuid, &pos))
    machine = g_ptr_array_index (self->items, pos);

  switch (event)
    {
    case VIR_DOMAIN_EVENT_UNDEFINED:
      if (machine != NULL)
        {
          g_ptr_array_remove_index (self->items, pos);
          g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 0);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        }
      return;

    case VIR_DOMAIN_EVENT_DEFINED:
      if (machine == NULL)
        {
          g_autoptr(GTask) task = g_task_new (self, NULL, add_cb, NULL);
          g_task_set_source_tag (task, domain_event_cb);
          g_task_set_task_data (task, GUINT_TO_POINTER (self->generation), NULL);
          g_object_set_data_full (G_OBJECT (task), "uuid", g_strdup (uuid), g_free);
          g_task_run_in_thread (task, add_worker);
          return;
        }
      break;

    /* Update the state at once (within the event's main-loop turn), then
     * re-read the domain for the details. */
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_RESUMED:
      if (machine != NULL)
        _terra_machine_set_state (machine, TERRA_MACHINE_STATE_RUNNING);
      break;
    case VIR_DOMAIN_EVENT_SUSPENDED:
      if (machine != NULL)
        _terra_machine_set_state (machine, TERRA_MACHINE_STATE_PAUSED);
      break;
    case VIR_DOMAIN_EVENT_STOPPED:
      if (machine != NULL)
        {
          _terra_machine_set_state (machine, TERRA_MACHINE_STATE_SHUTOFF);
          if (detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
            maybe_continue_install (self, machine);
        }
      break;
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
      if (machine != NULL)
        _terra_machine_set_state (machine, TERRA_MACHINE_STATE_SUSPENDED);
      break;
    case VIR_DOMAIN_EVENT_CRASHED:
      if (machine != NULL)
        _terra_machine_set_state (machine, TERRA_MACHINE_STATE_CRASHED);
      break;
    default:
      break;
    }

  if (machine != NULL)
    terra_machine_refresh_async (machine, NULL, refresh_cb, NULL);
}

static void
connection_state_cb (TerraMachineStore *self,
                     GParamSpec        *pspec,
                     TerraConnection   *connection)
{
  switch (terra_connection_get_state (connection))
    {
    case TERRA_CONNECTION_CONNECTED:
      reload (self);
      break;
    case TERRA_CONNECTION_LOST:
    case TERRA_CONNECTION_DISCONNECTED:
      {
        g_autoptr(GPtrArray) empty = g_ptr_array_new ();
        self->generation++;
        replace_all (self, empty);
        set_loaded (self, FALSE);
      }
      break;
    case TERRA_CONNECTION_CONNECTING:
    default:
      break;
    }
}

static void
terra_machine_store_constructed (GObject *object)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (object);

  G_OBJECT_CLASS (terra_machine_store_parent_class)->constructed (object);

  g_signal_connect_object (self->connection, "domain-event",
                           G_CALLBACK (domain_event_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "notify::state",
                           G_CALLBACK (connection_state_cb), self, G_CONNECT_SWAPPED);
  if (terra_connection_get_state (self->connection) == TERRA_CONNECTION_CONNECTED)
    reload (self);
}

static void
terra_machine_store_finalize (GObject *object)
{
  TerraMachineStore *self = (TerraMachineStore *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (terra_machine_store_parent_class)->finalize (object);
}

static void
terra_machine_store_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_machine_store_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TerraMachineStore *self = TERRA_MACHINE_STORE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_machine_store_class_init (TerraMachineStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = terra_machine_store_constructed;
  object_class->finalize = terra_machine_store_finalize;
  object_class->get_property = terra_machine_store_get_property;
  object_class->set_property = terra_machine_store_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, TERRA_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
terra_machine_store_init (TerraMachineStore *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * terra_machine_store_new:
 * @connection: the connection to follow
 *
 * Returns: (transfer full): a store that lists @connection's domains as
 *   #TerraMachine items, sorted by name, kept current by lifecycle events.
 */
TerraMachineStore *
terra_machine_store_new (TerraConnection *connection)
{
  g_return_val_if_fail (TERRA_IS_CONNECTION (connection), NULL);
  return g_object_new (TERRA_TYPE_MACHINE_STORE, "connection", connection, NULL);
}

/** terra_machine_store_get_connection: Returns: (transfer none): the connection */
TerraConnection *
terra_machine_store_get_connection (TerraMachineStore *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE_STORE (self), NULL);
  return self->connection;
}

/** terra_machine_store_get_loaded: Returns: %TRUE once the first listing after a connect arrived */
gboolean
terra_machine_store_get_loaded (TerraMachineStore *self)
{
  g_return_val_if_fail (TERRA_IS_MACHINE_STORE (self), FALSE);
  return self->loaded;
}

/**
 * terra_machine_store_find:
 * @self: a #TerraMachineStore
 * @name_or_uuid: a domain name or UUID string
 *
 * Returns: (transfer none) (nullable): the machine, UUID matches first
 */
TerraMachine *
terra_machine_store_find (TerraMachineStore *self,
                          const char        *name_or_uuid)
{
  guint pos;

  g_return_val_if_fail (TERRA_IS_MACHINE_STORE (self), NULL);
  g_return_val_if_fail (name_or_uuid != NULL, NULL);

  if (find_uuid (self, name_or_uuid, &pos))
    return g_ptr_array_index (self->items, pos);
  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (terra_machine_get_name (g_ptr_array_index (self->items, i)), name_or_uuid) == 0)
      return g_ptr_array_index (self->items, i);
  return NULL;
}
