/* terra-display-clipboard.c — the host's clipboards and a guest's, kept in step
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both ways, for CLIPBOARD and PRIMARY, through the guest's SPICE agent
 * (spice-vdagent), as spice-gtk's spice-gtk-session.c does for GTK 3:
 *
 * - guest → host: when the guest grabs a selection, the host clipboard gets
 *   a GdkContentProvider offering the guest's types; a paste on the host
 *   asks the guest for the data and writes it out when it arrives.
 * - host → guest: when the host clipboard changes (and not to our own
 *   provider), the guest is told the host grabbed it, with the types it can
 *   take (terra_clipboard_types_for_mimes()); when the guest pastes, the
 *   text or image is read from the host clipboard and sent.
 *
 * Text gets the guest's line ends (CRLF for Windows guests).
 */
#define G_LOG_DOMAIN "terra-display"

#include "config.h"

#include <string.h>

#include "terra-clipboard-types.h"
#include "terra-display-clipboard.h"

#define N_SELECTIONS 2

struct _TerraDisplayClipboard
{
  GObject              parent_instance;

  TerraDisplaySession *session;
  GdkClipboard        *clipboards[N_SELECTIONS];   /* CLIPBOARD, PRIMARY */
  GdkContentProvider  *guest_content[N_SELECTIONS]; /* ours while the guest owns it */
  GQueue               pending[N_SELECTIONS];       /* GTasks waiting for the guest's data */
};

G_DEFINE_FINAL_TYPE (TerraDisplayClipboard, terra_display_clipboard, G_TYPE_OBJECT)

/* --- the guest's contents, on the host clipboard ------------------------------ */

#define TERRA_TYPE_GUEST_CONTENT (terra_guest_content_get_type ())
G_DECLARE_FINAL_TYPE (TerraGuestContent, terra_guest_content, TERRA, GUEST_CONTENT, GdkContentProvider)

struct _TerraGuestContent
{
  GdkContentProvider  parent_instance;
  GWeakRef            bridge;
  guint               selection;
  GdkContentFormats  *formats;
};

G_DEFINE_FINAL_TYPE (TerraGuestContent, terra_guest_content, GDK_TYPE_CONTENT_PROVIDER)

typedef struct {
  GOutputStream *stream;
  guint          type;
} Pending;

static void
pending_free (Pending *p)
{
  g_clear_object (&p->stream);
  g_free (p);
}

static GdkContentFormats *
terra_guest_content_ref_formats (GdkContentProvider *provider)
{
  return gdk_content_formats_ref (TERRA_GUEST_CONTENT (provider)->formats);
}

static void
terra_guest_content_write_mime_type_async (GdkContentProvider  *provider,
                                           const char          *mime_type,
                                           GOutputStream       *stream,
                                           int                  io_priority,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  TerraGuestContent *self = TERRA_GUEST_CONTENT (provider);
  g_autoptr(TerraDisplayClipboard) bridge = g_weak_ref_get (&self->bridge);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  guint type = terra_clipboard_type_for_mime (mime_type);
  Pending *p;

  g_task_set_source_tag (task, terra_guest_content_write_mime_type_async);
  if (bridge == NULL || type == TERRA_CLIPBOARD_NONE
      || !terra_display_session_clipboard_request (bridge->session, self->selection, type))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The guest’s clipboard is no longer available");
      return;
    }
  p = g_new0 (Pending, 1);
  p->stream = g_object_ref (stream);
  p->type = type;
  g_task_set_task_data (task, p, (GDestroyNotify)pending_free);
  /* answered, in order, by on_received() */
  g_queue_push_tail (&bridge->pending[self->selection], g_steal_pointer (&task));
}

static gboolean
terra_guest_content_write_mime_type_finish (GdkContentProvider  *provider,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
terra_guest_content_finalize (GObject *object)
{
  TerraGuestContent *self = TERRA_GUEST_CONTENT (object);

  g_weak_ref_clear (&self->bridge);
  g_clear_pointer (&self->formats, gdk_content_formats_unref);
  G_OBJECT_CLASS (terra_guest_content_parent_class)->finalize (object);
}

static void
terra_guest_content_class_init (TerraGuestContentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GdkContentProviderClass *provider_class = GDK_CONTENT_PROVIDER_CLASS (klass);

  object_class->finalize = terra_guest_content_finalize;
  provider_class->ref_formats = terra_guest_content_ref_formats;
  provider_class->write_mime_type_async = terra_guest_content_write_mime_type_async;
  provider_class->write_mime_type_finish = terra_guest_content_write_mime_type_finish;
}

static void
terra_guest_content_init (TerraGuestContent *self)
{
}

static void
on_written (GObject      *stream,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The guest's answer to a request: the oldest host paste waiting for it. */
static void
on_received (TerraDisplayClipboard *self,
             guint                  selection,
             guint                  type,
             GBytes                *data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) out = NULL;
  Pending *p;

  if (selection >= N_SELECTIONS || (task = g_queue_pop_head (&self->pending[selection])) == NULL)
    return;
  p = g_task_get_task_data (task);
  if (type == TERRA_CLIPBOARD_UTF8_TEXT)
    {
      gsize size;
      const guint8 *bytes = g_bytes_get_data (data, &size);
      char *text = terra_clipboard_text_from_guest (bytes, size,
                                                    terra_display_session_get_guest_crlf (self->session));
      if (text == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   "The guest’s clipboard text is not UTF-8");
          return;
        }
      out = g_bytes_new_take (text, strlen (text));
    }
  else
    out = g_bytes_ref (data);
  g_output_stream_write_all_async (p->stream, g_bytes_get_data (out, NULL), g_bytes_get_size (out),
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_written,
                                   g_object_ref (task));
  /* the stream holds no reference to the bytes: keep them with the task */
  g_object_set_data_full (G_OBJECT (task), "data", g_steal_pointer (&out), (GDestroyNotify)g_bytes_unref);
}

static void
fail_pending (TerraDisplayClipboard *self,
              guint                  selection)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->pending[selection])) != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CLOSED,
                               "The guest’s clipboard is no longer available");
      g_object_unref (task);
    }
}

static void
on_grabbed (TerraDisplayClipboard *self,
            guint                  selection,
            GArray                *types)
{
  GdkContentFormatsBuilder *builder;
  TerraGuestContent *content;

  if (selection >= N_SELECTIONS || self->clipboards[selection] == NULL)
    return;
  builder = gdk_content_formats_builder_new ();
  for (guint i = 0; i < types->len; i++)
    {
      guint32 type = g_array_index (types, guint32, i);
      const char *mime = terra_clipboard_mime_for_type (type);

      if (mime == NULL)
        continue;
      gdk_content_formats_builder_add_mime_type (builder, mime);
      if (type == TERRA_CLIPBOARD_UTF8_TEXT)
        gdk_content_formats_builder_add_mime_type (builder, "text/plain");
    }
  fail_pending (self, selection);
  content = g_object_new (TERRA_TYPE_GUEST_CONTENT, NULL);
  g_weak_ref_init (&content->bridge, self);
  content->selection = selection;
  content->formats = gdk_content_formats_builder_free_to_formats (builder);
  self->guest_content[selection] = GDK_CONTENT_PROVIDER (content);
  g_debug ("clipboard: the guest grabbed selection %u", selection);
  gdk_clipboard_set_content (self->clipboards[selection], GDK_CONTENT_PROVIDER (content));
  g_object_unref (content);
}

static void
on_released (TerraDisplayClipboard *self,
             guint                  selection)
{
  if (selection >= N_SELECTIONS || self->clipboards[selection] == NULL)
    return;
  fail_pending (self, selection);
  if (self->guest_content[selection] != NULL
      && gdk_clipboard_get_content (self->clipboards[selection]) == self->guest_content[selection])
    gdk_clipboard_set_content (self->clipboards[selection], NULL);
  self->guest_content[selection] = NULL;
}

/* --- the host's contents, for the guest --------------------------------------- */

typedef struct {
  TerraDisplayClipboard *self;  /* strong */
  guint                  selection;
  guint                  type;
} Request;

static void
request_free (Request *r)
{
  g_object_unref (r->self);
  g_free (r);
}

static void
on_host_text (GObject      *clipboard,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *r = user_data;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, NULL);
  g_autoptr(GBytes) data = NULL;

  if (text != NULL)
    {
      gsize length;
      char *converted = terra_clipboard_text_to_guest (text, terra_display_session_get_guest_crlf (r->self->session),
                                                       &length);
      data = g_bytes_new_take (converted, length);
    }
  terra_display_session_clipboard_send (r->self->session, r->selection, r->type, data);
  request_free (r);
}

static void
on_host_texture (GObject      *clipboard,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *r = user_data;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (clipboard), result, NULL);
  g_autoptr(GBytes) png = texture != NULL ? gdk_texture_save_to_png_bytes (texture) : NULL;

  terra_display_session_clipboard_send (r->self->session, r->selection, r->type, png);
  request_free (r);
}

static void
on_requested (TerraDisplayClipboard *self,
              guint                  selection,
              guint                  type)
{
  Request *r;

  if (selection >= N_SELECTIONS || self->clipboards[selection] == NULL)
    return;
  r = g_new0 (Request, 1);
  r->self = g_object_ref (self);
  r->selection = selection;
  r->type = type;
  if (type == TERRA_CLIPBOARD_UTF8_TEXT)
    gdk_clipboard_read_text_async (self->clipboards[selection], NULL, on_host_text, r);
  else if (type == TERRA_CLIPBOARD_IMAGE_PNG)
    gdk_clipboard_read_texture_async (self->clipboards[selection], NULL, on_host_texture, r);
  else
    {
      /* we only ever offer text and PNG */
      terra_display_session_clipboard_send (self->session, selection, type, NULL);
      request_free (r);
    }
}

/* The host clipboard changed: offer it to the guest (unless it is the
 * guest's own, which we just put there). */
static void
offer_to_guest (TerraDisplayClipboard *self,
                guint                  selection)
{
  GdkClipboard *clipboard = self->clipboards[selection];
  GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
  g_autoptr(GdkContentFormats) formats = NULL;
  const char * const *mimes;
  guint32 types[2];
  guint n;

  if (content != NULL && content == self->guest_content[selection])
    return;
  self->guest_content[selection] = NULL;
  if (!terra_display_session_get_agent_connected (self->session))
    return;
  formats = gdk_content_formats_union_serialize_mime_types (gdk_content_formats_ref (gdk_clipboard_get_formats (clipboard)));
  mimes = gdk_content_formats_get_mime_types (formats, NULL);
  n = terra_clipboard_types_for_mimes (mimes, types);
  g_debug ("clipboard: the host's selection %u changed (%u types for the guest)", selection, n);
  if (n > 0)
    terra_display_session_clipboard_grab (self->session, selection, types, n);
  else
    terra_display_session_clipboard_release (self->session, selection);
}

static void
on_host_changed (GdkClipboard          *clipboard,
                 TerraDisplayClipboard *self)
{
  for (guint i = 0; i < N_SELECTIONS; i++)
    if (self->clipboards[i] == clipboard)
      offer_to_guest (self, i);
}

static void
on_agent (TerraDisplayClipboard *self)
{
  /* A freshly connected agent learns what the host holds. */
  for (guint i = 0; i < N_SELECTIONS; i++)
    if (self->clipboards[i] != NULL)
      offer_to_guest (self, i);
}

/* --- object ------------------------------------------------------------------- */

static void
terra_display_clipboard_dispose (GObject *object)
{
  TerraDisplayClipboard *self = TERRA_DISPLAY_CLIPBOARD (object);

  for (guint i = 0; i < N_SELECTIONS; i++)
    {
      fail_pending (self, i);
      if (self->clipboards[i] != NULL)
        {
          g_signal_handlers_disconnect_by_data (self->clipboards[i], self);
          /* the guest's contents go with the guest */
          if (self->guest_content[i] != NULL
              && gdk_clipboard_get_content (self->clipboards[i]) == self->guest_content[i])
            gdk_clipboard_set_content (self->clipboards[i], NULL);
          self->guest_content[i] = NULL;
        }
      g_clear_object (&self->clipboards[i]);
    }
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (terra_display_clipboard_parent_class)->dispose (object);
}

static void
terra_display_clipboard_class_init (TerraDisplayClipboardClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = terra_display_clipboard_dispose;
}

static void
terra_display_clipboard_init (TerraDisplayClipboard *self)
{
  for (guint i = 0; i < N_SELECTIONS; i++)
    g_queue_init (&self->pending[i]);
}

/**
 * terra_display_clipboard_new:
 * @session: the guest's display session (its agent carries the clipboard)
 * @clipboard: the host's CLIPBOARD (gtk_widget_get_clipboard())
 * @primary: (nullable): the host's PRIMARY selection, or %NULL to leave it
 *
 * Keeps @clipboard (and @primary) and the guest's in step for as long as the
 * object lives; nothing crosses while the guest has no agent.
 *
 * Returns: (transfer full): the bridge
 */
TerraDisplayClipboard *
terra_display_clipboard_new (TerraDisplaySession *session,
                             GdkClipboard        *clipboard,
                             GdkClipboard        *primary)
{
  TerraDisplayClipboard *self;

  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (session), NULL);
  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), NULL);

  self = g_object_new (TERRA_TYPE_DISPLAY_CLIPBOARD, NULL);
  self->session = g_object_ref (session);
  self->clipboards[TERRA_SELECTION_CLIPBOARD] = g_object_ref (clipboard);
  self->clipboards[TERRA_SELECTION_PRIMARY] = primary != NULL ? g_object_ref (primary) : NULL;
  for (guint i = 0; i < N_SELECTIONS; i++)
    if (self->clipboards[i] != NULL)
      g_signal_connect (self->clipboards[i], "changed", G_CALLBACK (on_host_changed), self);
  g_signal_connect_swapped (session, "clipboard-grabbed", G_CALLBACK (on_grabbed), self);
  g_signal_connect_swapped (session, "clipboard-released", G_CALLBACK (on_released), self);
  g_signal_connect_swapped (session, "clipboard-requested", G_CALLBACK (on_requested), self);
  g_signal_connect_swapped (session, "clipboard-received", G_CALLBACK (on_received), self);
  g_signal_connect_swapped (session, "agent-changed", G_CALLBACK (on_agent), self);
  return self;
}
