/* terra-connection.c
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-connection"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>
#include <libvirt-glib/libvirt-glib.h>

#include "terra-connection.h"
#include "terra-core-enums.h"
#include "terra-error.h"

/*
 * One libvirt connection, opened in a worker thread. libvirt's event loop is
 * libvirt-glib's GLib integration (gvir_event_register), so lifecycle events
 * and the close callback come from the default main context; we still marshal
 * them with g_main_context_invoke() because libvirt may call the close
 * callback from whichever thread noticed the socket died.
 *
 * The virConnectPtr is shared with worker threads: they take a reference with
 * terra_connection_dup_handle() and drop it with virConnectClose().
 */

#define RETRY_SECONDS     2
#define KEEPALIVE_SECONDS 5
#define KEEPALIVE_COUNT   3

struct _TerraConnection
{
  GObject              parent_instance;

  char                *uri;
  GMutex               lock;          /* guards handle */
  virConnectPtr        handle;
  TerraConnectionState state;
  GError              *last_error;
  guint                retry_source;
  guint                generation;    /* bumped on every (re)open */
};

enum {
  PROP_0,
  PROP_URI,
  PROP_STATE,
  N_PROPS
};

enum {
  DOMAIN_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TerraConnection, terra_connection, G_TYPE_OBJECT)

typedef struct {
  GWeakRef  self;
  guint     generation;
} CallbackData;

typedef struct {
  GWeakRef  self;
  guint     generation;
  char     *uuid;
  int       event;
  int       detail;
  gboolean  closed;
} Dispatch;

static void start_open (TerraConnection *self);

static CallbackData *
callback_data_new (TerraConnection *self,
                   guint            generation)
{
  CallbackData *data = g_new0 (CallbackData, 1);
  g_weak_ref_init (&data->self, self);
  data->generation = generation;
  return data;
}

static void
callback_data_free (void *data)
{
  CallbackData *cb = data;
  g_weak_ref_clear (&cb->self);
  g_free (cb);
}

static void
dispatch_free (Dispatch *d)
{
  g_weak_ref_clear (&d->self);
  g_free (d->uuid);
  g_free (d);
}

static void
set_state (TerraConnection      *self,
           TerraConnectionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static virConnectPtr
steal_handle (TerraConnection *self)
{
  virConnectPtr handle;

  g_mutex_lock (&self->lock);
  handle = g_steal_pointer (&self->handle);
  g_mutex_unlock (&self->lock);
  return handle;
}

static void
close_handle_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  virConnectPtr handle = task_data;

  /* Deregistering and closing may do RPC; never on the main thread. */
  virConnectClose (handle);
  g_task_return_boolean (task, TRUE);
}

static void
close_handle_in_thread (virConnectPtr handle)
{
  g_autoptr(GTask) task = NULL;

  if (handle == NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, handle, NULL);
  g_task_run_in_thread (task, close_handle_worker);
}

static gboolean
retry_cb (gpointer user_data)
{
  TerraConnection *self = user_data;

  self->retry_source = 0;
  start_open (self);
  return G_SOURCE_REMOVE;
}

static gboolean
dispatch_cb (gpointer user_data)
{
  Dispatch *d = user_data;
  g_autoptr(TerraConnection) self = g_weak_ref_get (&d->self);

  if (self == NULL || d->generation != self->generation)
    return G_SOURCE_REMOVE;

  if (d->closed)
    {
      if (self->state != TERRA_CONNECTION_CONNECTED)
        return G_SOURCE_REMOVE;
      g_message ("Connection to %s lost; reconnecting every %d s", self->uri, RETRY_SECONDS);
      self->generation++;
      close_handle_in_thread (steal_handle (self));
      set_state (self, TERRA_CONNECTION_LOST);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
      return G_SOURCE_REMOVE;
    }

  g_signal_emit (self, signals[DOMAIN_EVENT], 0, d->uuid, d->event, d->detail);
  return G_SOURCE_REMOVE;
}

static void
dispatch (Dispatch *d)
{
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, dispatch_cb, d,
                              (GDestroyNotify)dispatch_free);
}

static void
close_cb (virConnectPtr  conn,
          int            reason,
          void          *opaque)
{
  CallbackData *cb = opaque;
  Dispatch *d = g_new0 (Dispatch, 1);
  g_autoptr(GObject) self = g_weak_ref_get (&cb->self);

  g_weak_ref_init (&d->self, self);
  d->generation = cb->generation;
  d->closed = TRUE;
  dispatch (d);
}

static int
lifecycle_cb (virConnectPtr  conn,
              virDomainPtr   dom,
              int            event,
              int            detail,
              void          *opaque)
{
  CallbackData *cb = opaque;
  Dispatch *d = g_new0 (Dispatch, 1);
  g_autoptr(GObject) self = g_weak_ref_get (&cb->self);
  char uuid[VIR_UUID_STRING_BUFLEN];

  if (virDomainGetUUIDString (dom, uuid) < 0)
    uuid[0] = '\0';

  g_weak_ref_init (&d->self, self);
  d->generation = cb->generation;
  d->uuid = g_strdup (uuid);
  d->event = event;
  d->detail = detail;
  dispatch (d);
  return 0;
}

static void
terra_connection_dispose (GObject *object)
{
  TerraConnection *self = (TerraConnection *)object;

  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->generation++;
  close_handle_in_thread (steal_handle (self));

  G_OBJECT_CLASS (terra_connection_parent_class)->dispose (object);
}

static void
terra_connection_finalize (GObject *object)
{
  TerraConnection *self = (TerraConnection *)object;

  g_clear_pointer (&self->uri, g_free);
  g_clear_error (&self->last_error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (terra_connection_parent_class)->finalize (object);
}

static void
terra_connection_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TerraConnection *self = TERRA_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_connection_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TerraConnection *self = TERRA_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_connection_class_init (TerraConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = terra_connection_dispose;
  object_class->finalize = terra_connection_finalize;
  object_class->get_property = terra_connection_get_property;
  object_class->set_property = terra_connection_set_property;

  properties[PROP_URI] =
    g_param_spec_string ("uri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       TERRA_TYPE_CONNECTION_STATE, TERRA_CONNECTION_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TerraConnection::domain-event:
   * @uuid: the domain's UUID string
   * @event: a virDomainEventType
   * @detail: the event's detail (virDomainEvent*DetailType)
   *
   * A libvirt lifecycle event, on the main thread.
   */
  signals[DOMAIN_EVENT] =
    g_signal_new ("domain-event",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT, G_TYPE_INT);
}

static void
terra_connection_init (TerraConnection *self)
{
  g_mutex_init (&self->lock);
}

/**
 * terra_connection_init_libvirt:
 *
 * Registers libvirt-glib's GLib event loop implementation with libvirt.
 * Call once, before the first connection is opened (libvirt requires the
 * event implementation before virConnectOpen for events and keepalive).
 */
void
terra_connection_init_libvirt (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      gvir_init (NULL, NULL);
      gvir_event_register ();
      g_once_init_leave (&once, 1);
    }
}

/**
 * terra_connection_new:
 * @uri: a libvirt URI, e.g. "qemu:///session"
 *
 * Creates a connection object; nothing is opened until
 * terra_connection_open_async().
 *
 * Returns: (transfer full): a new #TerraConnection
 */
TerraConnection *
terra_connection_new (const char *uri)
{
  g_return_val_if_fail (uri != NULL, NULL);
  return g_object_new (TERRA_TYPE_CONNECTION, "uri", uri, NULL);
}

/**
 * terra_connection_get_uri:
 * @self: a #TerraConnection
 *
 * Returns: (transfer none): the libvirt URI
 */
const char *
terra_connection_get_uri (TerraConnection *self)
{
  g_return_val_if_fail (TERRA_IS_CONNECTION (self), NULL);
  return self->uri;
}

/**
 * terra_connection_get_state:
 * @self: a #TerraConnection
 *
 * Returns: the connection state; watch `notify::state`.
 */
TerraConnectionState
terra_connection_get_state (TerraConnection *self)
{
  g_return_val_if_fail (TERRA_IS_CONNECTION (self), TERRA_CONNECTION_DISCONNECTED);
  return self->state;
}

/**
 * terra_connection_get_last_error:
 * @self: a #TerraConnection
 *
 * Returns: (transfer none) (nullable): why the last open failed, if it did.
 */
const GError *
terra_connection_get_last_error (TerraConnection *self)
{
  g_return_val_if_fail (TERRA_IS_CONNECTION (self), NULL);
  return self->last_error;
}

/**
 * terra_connection_dup_handle:
 * @self: a #TerraConnection
 *
 * For worker threads: a new reference to the libvirt connection.
 * Thread-safe.
 *
 * Returns: (transfer full) (nullable): the handle, to release with
 *   virConnectClose(), or %NULL when not connected.
 */
virConnectPtr
terra_connection_dup_handle (TerraConnection *self)
{
  virConnectPtr handle = NULL;

  g_return_val_if_fail (TERRA_IS_CONNECTION (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->handle != NULL && virConnectRef (self->handle) == 0)
    handle = self->handle;
  g_mutex_unlock (&self->lock);
  return handle;
}

typedef struct {
  char        *uri;
  guint        generation;
  gboolean     with_events;
  CallbackData *cb_template; /* only for the weak ref */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->uri);
  if (data->cb_template)
    callback_data_free (data->cb_template);
  g_free (data);
}

static virConnectPtr
open_handle (const char   *uri,
             gboolean      with_events,
             TerraConnection *self,
             guint         generation,
             GError      **error)
{
  virConnectPtr handle;

  handle = virConnectOpen (uri);
  if (handle == NULL)
    {
      terra_set_error_from_libvirt (error,
                                    _("Could not connect to the virtualization service (%s). "
                                      "Check that libvirt is installed and that its daemon can start."),
                                    uri);
      return NULL;
    }

  if (!with_events)
    return handle;

  if (virConnectSetKeepAlive (handle, KEEPALIVE_SECONDS, KEEPALIVE_COUNT) < 0)
    virResetLastError (); /* not fatal: older or local-only drivers */

  if (virConnectRegisterCloseCallback (handle, close_cb,
                                       callback_data_new (self, generation),
                                       callback_data_free) < 0)
    virResetLastError ();

  if (virConnectDomainEventRegisterAny (handle, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                        VIR_DOMAIN_EVENT_CALLBACK (lifecycle_cb),
                                        callback_data_new (self, generation),
                                        callback_data_free) < 0)
    {
      terra_set_error_from_libvirt (error, _("Could not subscribe to virtual machine events."));
      virConnectClose (handle);
      return NULL;
    }

  return handle;
}

static void
open_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TerraConnection *self = source_object;
  OpenData *data = task_data;
  GError *error = NULL;
  virConnectPtr handle;

  handle = open_handle (data->uri, data->with_events, self, data->generation, &error);
  if (handle == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, handle, (GDestroyNotify)close_handle_in_thread);
}

static void
install_handle (TerraConnection *self,
                virConnectPtr    handle)
{
  virConnectPtr old;

  g_mutex_lock (&self->lock);
  old = self->handle;
  self->handle = handle;
  g_mutex_unlock (&self->lock);
  close_handle_in_thread (old);
  g_clear_error (&self->last_error);
  set_state (self, TERRA_CONNECTION_CONNECTED);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  TerraConnection *self = TERRA_CONNECTION (object);
  g_autoptr(GTask) task = user_data;
  OpenData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  virConnectPtr handle;

  handle = g_task_propagate_pointer (G_TASK (result), &error);

  if (data->generation != self->generation)
    {
      close_handle_in_thread (handle);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
      return;
    }

  if (handle == NULL)
    {
      g_clear_error (&self->last_error);
      self->last_error = g_error_copy (error);
      if (self->state == TERRA_CONNECTION_LOST)
        {
          /* Keep trying while the daemon is away. */
          g_clear_handle_id (&self->retry_source, g_source_remove);
          self->retry_source = g_timeout_add_seconds (RETRY_SECONDS, retry_cb, self);
        }
      else
        set_state (self, TERRA_CONNECTION_DISCONNECTED);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  install_handle (self, handle);
  g_task_return_boolean (task, TRUE);
}

static void
open_internal (TerraConnection     *self,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  OpenData *data;

  g_task_set_source_tag (outer, terra_connection_open_async);

  self->generation++;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->state != TERRA_CONNECTION_LOST)
    set_state (self, TERRA_CONNECTION_CONNECTING);

  data = g_new0 (OpenData, 1);
  data->uri = g_strdup (self->uri);
  data->generation = self->generation;
  data->with_events = TRUE;

  inner = g_task_new (self, NULL, open_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, data, (GDestroyNotify)open_data_free);
  g_task_run_in_thread (inner, open_worker);
}

static void
start_open (TerraConnection *self)
{
  open_internal (self, NULL, NULL, NULL);
}

/**
 * terra_connection_open_async:
 * @self: a #TerraConnection
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread when done
 * @user_data: data for @callback
 *
 * Opens the connection in a worker thread, with keepalive (5 s × 3), a
 * close callback and lifecycle events. When the daemon later goes away the
 * state becomes %TERRA_CONNECTION_LOST and the connection is reopened every
 * 2 s until it succeeds. Call terra_connection_init_libvirt() first.
 */
void
terra_connection_open_async (TerraConnection     *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (TERRA_IS_CONNECTION (self));
  open_internal (self, cancellable, callback, user_data);
}

/**
 * terra_connection_open_finish:
 * @self: a #TerraConnection
 * @result: the result
 * @error: %TERRA_ERROR_LIBVIRT or %TERRA_ERROR_NOT_CONNECTED with libvirt's detail
 *
 * Returns: %TRUE when connected.
 */
gboolean
terra_connection_open_finish (TerraConnection  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * terra_connection_open_sync:
 * @self: a #TerraConnection
 * @cancellable: (nullable): unused, for symmetry
 * @error: as terra_connection_open_finish()
 *
 * Opens the connection in the calling thread, without events or keepalive.
 * For terrarium-ctl and tests, never for the GUI's main thread.
 *
 * Returns: %TRUE when connected.
 */
gboolean
terra_connection_open_sync (TerraConnection  *self,
                            GCancellable     *cancellable,
                            GError          **error)
{
  virConnectPtr handle;

  g_return_val_if_fail (TERRA_IS_CONNECTION (self), FALSE);

  self->generation++;
  handle = open_handle (self->uri, FALSE, self, self->generation, error);
  if (handle == NULL)
    return FALSE;
  install_handle (self, handle);
  return TRUE;
}

/**
 * terra_connection_run_async:
 * @self: a #TerraConnection
 * @func: the worker; it calls terra_connection_dup_handle() itself
 * @task_data: (transfer full) (nullable): the task's data
 * @task_data_free: (nullable): frees @task_data
 * @source_object: (nullable): the task's source object
 * @source_tag: the task's source tag
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the main thread
 * @user_data: data for @callback
 *
 * Runs @func in a worker thread as a #GTask: the one way the GUI reaches
 * libvirt.
 */
void
terra_connection_run_async (TerraConnection     *self,
                            GTaskThreadFunc      func,
                            gpointer             task_data,
                            GDestroyNotify       task_data_free,
                            gpointer             source_object,
                            gpointer             source_tag,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TERRA_IS_CONNECTION (self));

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, task_data, task_data_free);
  g_task_run_in_thread (task, func);
}

/**
 * terra_connection_uri_is_local:
 * @uri: a libvirt URI
 *
 * Whether @uri reaches a daemon on this computer through its local socket
 * (no host name; transport "unix" or none), as libvirt's URI rules have it
 * (https://libvirt.org/uri.html): only then can libvirt hand over file
 * descriptors (virDomainOpenGraphicsFD) or share local paths.
 *
 * Returns: %TRUE for a local URI
 */
gboolean
terra_connection_uri_is_local (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_PARSE_RELAXED, NULL);
  const char *scheme, *plus, *host;

  if (parsed == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  plus = scheme ? strchr (scheme, '+') : NULL;
  if (host != NULL && *host != '\0' && g_ascii_strcasecmp (host, "localhost") != 0)
    return FALSE;
  return plus == NULL || g_str_equal (plus + 1, "unix");
}

/**
 * terra_connection_uri_describe:
 * @uri: a libvirt URI
 *
 * A short name for a connection, for group headings: the URI itself for a
 * local one ("qemu:///session"); "user@host (session, over SSH)" for a
 * remote one, without the query (key files, sockets).
 *
 * Returns: (transfer full): the description
 */
char *
terra_connection_uri_describe (const char *uri)
{
  g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_PARSE_RELAXED, NULL);
  const char *scheme, *plus, *path, *user, *host;
  g_autofree char *transport = NULL;

  if (parsed == NULL || terra_connection_uri_is_local (uri))
    return g_strdup (uri);
  scheme = g_uri_get_scheme (parsed);
  plus = scheme ? strchr (scheme, '+') : NULL;
  transport = plus ? g_ascii_strup (plus + 1, -1) : g_strdup ("TLS");
  path = g_uri_get_path (parsed);
  user = g_uri_get_user (parsed);
  host = g_uri_get_host (parsed);
  /* Translators: a remote libvirt connection: "user@host (session, over SSH)" */
  return g_strdup_printf (_("%s%s%s (%s, over %s)"), user ? user : "", user ? "@" : "", host ? host : "?",
                          path && *path == '/' ? path + 1 : "", transport);
}
