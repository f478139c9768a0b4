/* terra-display-session.c — a SPICE session over file descriptors from a callback
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * spice-client-glib runs each channel as a coroutine on the default main
 * context; every signal here arrives on the main thread, and the primary
 * surface memory is only written between main-loop iterations.
 */
#define G_LOG_DOMAIN "terra-display"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n.h>
#include <spice-client.h>
#include <spice/vd_agent.h>

#include "terra-display-session.h"
#include "terra-error.h"
#include "terra-keymap.h"

G_DEFINE_ENUM_TYPE (TerraDisplayState, terra_display_state,
  G_DEFINE_ENUM_VALUE (TERRA_DISPLAY_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (TERRA_DISPLAY_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (TERRA_DISPLAY_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (TERRA_DISPLAY_STATE_FAILED, "failed"))

#define N_KEYS 0x300

struct _TerraDisplaySession
{
  GObject                parent_instance;

  TerraDisplayFdProvider provider;
  gpointer               provider_data;
  GDestroyNotify         provider_destroy;

  SpiceSession          *session;
  SpiceMainChannel      *main;
  SpiceChannel          *display;
  SpiceInputsChannel    *inputs;
  SpiceCursorChannel    *cursor;
  GCancellable          *cancellable;

  TerraDisplayState      state;
  GError                *error;
  gboolean               inputs_ready;
  gboolean               marked;
  gboolean               mouse_absolute;
  gboolean               agent_connected;

  /* The primary surface: the channel's canvas, or our converted copy. */
  int                    format;
  int                    width;
  int                    height;
  int                    stride;
  guint8                *canvas;      /* owned by the channel */
  guint8                *converted;   /* BGRx copy for 16-bit formats */

  guint8                *cursor_rgba;
  int                    cursor_width;
  int                    cursor_height;
  int                    cursor_hot_x;
  int                    cursor_hot_y;

  guint32                pressed[N_KEYS / 32];
  int                    buttons;
};

G_DEFINE_FINAL_TYPE (TerraDisplaySession, terra_display_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_MOUSE_ABSOLUTE,
  PROP_AGENT_CONNECTED,
  N_PROPS
};

enum {
  SIGNAL_SURFACE_CHANGED,
  SIGNAL_DAMAGE,
  SIGNAL_CURSOR_CHANGED,
  SIGNAL_CLIPBOARD_GRABBED,
  SIGNAL_CLIPBOARD_RELEASED,
  SIGNAL_CLIPBOARD_REQUESTED,
  SIGNAL_CLIPBOARD_RECEIVED,
  SIGNAL_AGENT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_state (TerraDisplaySession *self,
           TerraDisplayState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
fail (TerraDisplaySession *self,
      GError              *error)
{
  if (self->state == TERRA_DISPLAY_STATE_FAILED || self->state == TERRA_DISPLAY_STATE_DISCONNECTED)
    {
      g_error_free (error);
      return;
    }
  g_debug ("display failed: %s", error->message);
  g_clear_error (&self->error);
  self->error = error;
  set_state (self, TERRA_DISPLAY_STATE_FAILED);
}

/* --- surface ----------------------------------------------------------- */

/* 16-bit SPICE formats (555 and 565) into our BGRx layout. */
static void
convert_rect (TerraDisplaySession *self,
              int                  x,
              int                  y,
              int                  w,
              int                  h)
{
  gsize out_stride = (gsize)self->width * 4;

  for (int row = y; row < y + h; row++)
    {
      const guint16 *src = (const guint16 *)(self->canvas + (gsize)row * self->stride) + x;
      guint8 *dst = self->converted + (gsize)row * out_stride + (gsize)x * 4;

      for (int col = 0; col < w; col++, src++, dst += 4)
        {
          guint16 p = *src;
          guint r, g, b;

          if (self->format == SPICE_SURFACE_FMT_16_565)
            {
              r = (p >> 11) & 0x1f; g = (p >> 5) & 0x3f; b = p & 0x1f;
              dst[1] = (g << 2) | (g >> 4);
            }
          else
            {
              r = (p >> 10) & 0x1f; g = (p >> 5) & 0x1f; b = p & 0x1f;
              dst[1] = (g << 3) | (g >> 2);
            }
          dst[0] = (b << 3) | (b >> 2);
          dst[2] = (r << 3) | (r >> 2);
          dst[3] = 0xff;
        }
    }
}

static gboolean
is_16bit (int format)
{
  return format == SPICE_SURFACE_FMT_16_555 || format == SPICE_SURFACE_FMT_16_565;
}

static gboolean
clip_rect (TerraDisplaySession *self,
           int *x, int *y, int *w, int *h)
{
  int x2 = MIN (*x + *w, self->width);
  int y2 = MIN (*y + *h, self->height);

  *x = MAX (*x, 0);
  *y = MAX (*y, 0);
  *w = x2 - *x;
  *h = y2 - *y;
  return *w > 0 && *h > 0;
}

static void
on_primary_create (SpiceChannel *channel,
                   int           format,
                   int           width,
                   int           height,
                   int           stride,
                   int           shmid,
                   gpointer      imgdata,
                   gpointer      user_data)
{
  TerraDisplaySession *self = user_data;

  g_debug ("primary surface %d×%d format %d stride %d", width, height, format, stride);
  g_clear_pointer (&self->converted, g_free);
  self->format = format;
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->canvas = imgdata;
  if (is_16bit (format))
    {
      self->converted = g_malloc ((gsize)width * height * 4);
      convert_rect (self, 0, 0, width, height);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
  g_signal_emit (self, signals[SIGNAL_SURFACE_CHANGED], 0);
}

static void
on_primary_destroy (SpiceChannel *channel,
                    gpointer      user_data)
{
  TerraDisplaySession *self = user_data;

  self->canvas = NULL;
  g_clear_pointer (&self->converted, g_free);
  self->width = self->height = self->stride = 0;
  g_signal_emit (self, signals[SIGNAL_SURFACE_CHANGED], 0);
}

static void
on_invalidate (SpiceChannel *channel,
               int           x,
               int           y,
               int           w,
               int           h,
               gpointer      user_data)
{
  TerraDisplaySession *self = user_data;

  if (self->canvas == NULL || !clip_rect (self, &x, &y, &w, &h))
    return;
  if (self->converted != NULL)
    convert_rect (self, x, y, w, h);
  g_signal_emit (self, signals[SIGNAL_DAMAGE], 0, x, y, w, h);
}

static void
on_mark (SpiceChannel *channel,
         int           mark,
         gpointer      user_data)
{
  TerraDisplaySession *self = user_data;

  self->marked = mark != 0;
  if (self->marked && self->canvas != NULL && self->state == TERRA_DISPLAY_STATE_CONNECTING)
    set_state (self, TERRA_DISPLAY_STATE_READY);
}

/* --- cursor and mouse mode ------------------------------------------------ */

static void
on_cursor_set (SpiceCursorChannel *channel,
               int                 width,
               int                 height,
               int                 hot_x,
               int                 hot_y,
               gpointer            rgba,
               gpointer            user_data)
{
  TerraDisplaySession *self = user_data;

  g_clear_pointer (&self->cursor_rgba, g_free);
  if (rgba != NULL && width > 0 && height > 0)
    {
      /* spice-glib hands the shape over as RGBA bytes, straight alpha. */
      self->cursor_rgba = g_memdup2 (rgba, (gsize)width * height * 4);
      self->cursor_width = width;
      self->cursor_height = height;
      self->cursor_hot_x = hot_x;
      self->cursor_hot_y = hot_y;
    }
  g_signal_emit (self, signals[SIGNAL_CURSOR_CHANGED], 0);
}

static void
on_cursor_hide (SpiceCursorChannel *channel,
                gpointer            user_data)
{
  TerraDisplaySession *self = user_data;

  g_clear_pointer (&self->cursor_rgba, g_free);
  g_signal_emit (self, signals[SIGNAL_CURSOR_CHANGED], 0);
}

static void
update_mouse_mode (TerraDisplaySession *self)
{
  int mode = 0;
  gboolean absolute;

  g_object_get (self->main, "mouse-mode", &mode, NULL);
  absolute = mode == SPICE_MOUSE_MODE_CLIENT;
  if (absolute != self->mouse_absolute)
    {
      self->mouse_absolute = absolute;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MOUSE_ABSOLUTE]);
    }
  /* Ask for client (absolute) mode: the domain has a USB tablet. */
  if (!absolute)
    spice_main_channel_request_mouse_mode (self->main, SPICE_MOUSE_MODE_CLIENT);
}

static void
on_mouse_update (SpiceChannel *channel,
                 gpointer      user_data)
{
  update_mouse_mode (user_data);
}

static void
on_agent_update (SpiceChannel *channel,
                 gpointer      user_data)
{
  TerraDisplaySession *self = user_data;
  gboolean connected = FALSE;

  g_object_get (channel, "agent-connected", &connected, NULL);
  if (connected != self->agent_connected)
    {
      self->agent_connected = connected;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AGENT_CONNECTED]);
    }
  /* also when only its capabilities arrived */
  g_signal_emit (self, signals[SIGNAL_AGENT_CHANGED], 0);
}

/* --- clipboard (the guest agent's side) -------------------------------------- */

/* The agent is connected and has announced its capabilities (clipboard by
 * demand: every spice-vdagent since 0.6), so it takes clipboard grabs and
 * files. */
static gboolean
agent_ready (TerraDisplaySession *self)
{
  return self->main != NULL && self->agent_connected
         && spice_main_channel_agent_test_capability (self->main, VD_AGENT_CAP_CLIPBOARD_BY_DEMAND);
}

static gboolean
on_clipboard_grab (SpiceMainChannel *main,
                   guint             selection,
                   guint32          *types,
                   guint             n_types,
                   gpointer          user_data)
{
  g_autoptr(GArray) array = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_types);

  g_array_append_vals (array, types, n_types);
  g_signal_emit (user_data, signals[SIGNAL_CLIPBOARD_GRABBED], 0, selection, array);
  return TRUE;
}

static void
on_clipboard_release (SpiceMainChannel *main,
                      guint             selection,
                      gpointer          user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CLIPBOARD_RELEASED], 0, selection);
}

static gboolean
on_clipboard_request (SpiceMainChannel *main,
                      guint             selection,
                      guint             type,
                      gpointer          user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CLIPBOARD_REQUESTED], 0, selection, type);
  return TRUE;
}

static void
on_clipboard_data (SpiceMainChannel *main,
                   guint             selection,
                   guint             type,
                   gpointer          data,
                   guint             size,
                   gpointer          user_data)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  g_signal_emit (user_data, signals[SIGNAL_CLIPBOARD_RECEIVED], 0, selection, type, bytes);
}

/**
 * terra_display_session_clipboard_grab:
 * @self: a #TerraDisplaySession
 * @selection: a #TerraSelection
 * @types: (array length=n_types): the agent clipboard types (#TerraClipboardType)
 *   the host's clipboard can give, best first
 * @n_types: how many
 *
 * Tells the guest agent that the host owns @selection now; the guest asks
 * for data through #TerraDisplaySession::clipboard-requested. Does nothing
 * without an agent.
 */
void
terra_display_session_clipboard_grab (TerraDisplaySession *self,
                                      guint                selection,
                                      const guint32       *types,
                                      guint                n_types)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));
  if (!agent_ready (self) || n_types == 0)
    return;
  spice_main_channel_clipboard_selection_grab (self->main, selection, (guint32 *)types, (int)n_types);
}

/**
 * terra_display_session_clipboard_release:
 * @self: a #TerraDisplaySession
 * @selection: a #TerraSelection
 *
 * Tells the guest agent the host's @selection is empty (or no longer ours
 * to offer). Does nothing without an agent.
 */
void
terra_display_session_clipboard_release (TerraDisplaySession *self,
                                         guint                selection)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));
  if (agent_ready (self))
    spice_main_channel_clipboard_selection_release (self->main, selection);
}

/**
 * terra_display_session_clipboard_request:
 * @self: a #TerraDisplaySession
 * @selection: a #TerraSelection the guest grabbed
 * @type: a #TerraClipboardType it offered
 *
 * Asks the guest agent for its clipboard contents; they arrive through
 * #TerraDisplaySession::clipboard-received (empty when the guest has none).
 *
 * Returns: %FALSE when there is no agent to ask
 */
gboolean
terra_display_session_clipboard_request (TerraDisplaySession *self,
                                         guint                selection,
                                         guint                type)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);
  if (self->main == NULL || !self->agent_connected)
    return FALSE;
  spice_main_channel_clipboard_selection_request (self->main, selection, type);
  return TRUE;
}

/**
 * terra_display_session_clipboard_send:
 * @self: a #TerraDisplaySession
 * @selection: a #TerraSelection
 * @type: the #TerraClipboardType the guest asked for
 * @data: (nullable): the contents in that type (text as the guest wants it:
 *   see terra_clipboard_text_to_guest()); %NULL sends nothing, which
 *   answers the guest's request with empty contents
 *
 * Answers a #TerraDisplaySession::clipboard-requested. Contents past the
 * main channel's "max-clipboard" size (spice-glib's limit, 100 MiB by
 * default) are not sent: the guest gets empty contents and a warning is
 * logged.
 */
void
terra_display_session_clipboard_send (TerraDisplaySession *self,
                                      guint                selection,
                                      guint                type,
                                      GBytes              *data)
{
  int max = -1;
  gsize size = data != NULL ? g_bytes_get_size (data) : 0;

  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));
  if (self->main == NULL || !self->agent_connected)
    return;
  g_object_get (self->main, "max-clipboard", &max, NULL);
  if (max >= 0 && size > (gsize)max)
    {
      g_warning ("Clipboard contents of %" G_GSIZE_FORMAT " bytes are over the limit of %d bytes; not sent to the guest",
                 size, max);
      size = 0;
    }
  spice_main_channel_clipboard_selection_notify (self->main, selection, type,
                                                 size > 0 ? g_bytes_get_data (data, NULL) : NULL, size);
}

/**
 * terra_display_session_get_guest_crlf:
 * @self: a #TerraDisplaySession
 *
 * Returns: whether the guest agent wants CRLF line ends in text (Windows
 *   guests; the agent capability VD_AGENT_CAP_GUEST_LINEEND_CRLF)
 */
gboolean
terra_display_session_get_guest_crlf (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);
  return self->main != NULL && self->agent_connected
         && spice_main_channel_agent_test_capability (self->main, VD_AGENT_CAP_GUEST_LINEEND_CRLF);
}

/**
 * terra_display_session_resize_guest:
 * @self: a #TerraDisplaySession
 * @width: the wanted guest screen width, in guest (device) pixels
 * @height: the wanted height
 *
 * Asks the guest agent to set its screen to @width × @height (SPICE monitor
 * configuration, sent by spice-glib after its own short delay). The agent
 * does it with the guest's display driver (X RandR under spice-vdagent);
 * the new size arrives as a new primary surface.
 *
 * Returns: %FALSE when there is no agent to ask (the guest keeps its size)
 */
gboolean
terra_display_session_resize_guest (TerraDisplaySession *self,
                                    int                  width,
                                    int                  height)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);
  if (self->main == NULL || !self->agent_connected || width < 64 || height < 64)
    return FALSE;
  spice_main_channel_update_display_enabled (self->main, 0, TRUE, FALSE);
  /* spice-vdagent (X) wants even widths; spice-gtk rounds the same way */
  spice_main_channel_update_display (self->main, 0, 0, 0, width & ~1, height, TRUE);
  return TRUE;
}

/* --- files into the guest --------------------------------------------------- */

static void
on_files_copied (GObject      *main,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (spice_main_channel_file_copy_finish (SPICE_MAIN_CHANNEL (main), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      g_autoptr(GError) own = error;
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_DISPLAY, "%s\n\n%s",
                               _("The files could not be copied into the guest."), own->message);
    }
}

/**
 * terra_display_session_copy_files_async:
 * @self: a connected #TerraDisplaySession
 * @files: (array zero-terminated=1): local files to copy
 * @progress: (nullable) (scope notified): called on the main thread with
 *   the bytes copied so far and the total, in bytes
 * @progress_data: data for @progress
 * @cancellable: (nullable): stops the transfer
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Copies @files into the guest through its SPICE agent (the main channel's
 * file transfer); spice-vdagent saves them in the guest user's Downloads
 * folder, or on the desktop (its --file-xfer-save-dir).
 */
void
terra_display_session_copy_files_async (TerraDisplaySession   *self,
                                        GFile                **files,
                                        GFileProgressCallback  progress,
                                        gpointer               progress_data,
                                        GCancellable          *cancellable,
                                        GAsyncReadyCallback    callback,
                                        gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));
  g_task_set_source_tag (task, terra_display_session_copy_files_async);
  if (self->main == NULL || !self->agent_connected)
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_DISPLAY, "%s\n\n%s",
                               _("Files can only be copied into a guest with the SPICE agent."),
                               _("Install “spice-vdagent” in the guest (most Linux desktops have it; "
                                 "Windows has the SPICE guest tools), then try again."));
      return;
    }
  if (spice_main_channel_agent_test_capability (self->main, VD_AGENT_CAP_FILE_XFER_DISABLED))
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_DISPLAY, "%s\n\n%s",
                               _("The guest’s SPICE agent does not accept files."),
                               _("Its file transfer is turned off in the guest (spice-vdagent finds no folder to save to, "
                                 "or it was disabled)."));
      return;
    }
  spice_main_channel_file_copy_async (self->main, files, G_FILE_COPY_NONE, cancellable, progress, progress_data,
                                      on_files_copied, g_steal_pointer (&task));
}

/**
 * terra_display_session_copy_files_finish:
 * @self: a #TerraDisplaySession
 * @result: the result
 * @error: %TERRA_ERROR_DISPLAY ("summary\n\ndetail") without an agent,
 *   when the agent takes no files, or when the transfer failed
 *
 * Returns: whether every file was copied
 */
gboolean
terra_display_session_copy_files_finish (TerraDisplaySession  *self,
                                         GAsyncResult         *result,
                                         GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- channels and fds ------------------------------------------------------ */

typedef struct {
  GWeakRef      session;
  SpiceChannel *channel;
} FdRequest;

static void
fd_request_free (FdRequest *req)
{
  g_weak_ref_clear (&req->session);
  g_clear_object (&req->channel);
  g_free (req);
}

static void
on_fd_ready (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  FdRequest *req = user_data;
  g_autoptr(TerraDisplaySession) self = g_weak_ref_get (&req->session);
  GError *error = NULL;
  int fd;

  fd = (int)g_task_propagate_int (G_TASK (result), &error);
  if (self == NULL || self->session == NULL)
    {
      if (fd >= 0)
        close (fd);
      g_clear_error (&error);
    }
  else if (fd < 0)
    fail (self, error != NULL ? error
                              : g_error_new (TERRA_ERROR, TERRA_ERROR_DISPLAY,
                                             _("The guest’s display could not be opened.")));
  else if (!spice_channel_open_fd (req->channel, fd))
    fail (self, g_error_new (TERRA_ERROR, TERRA_ERROR_DISPLAY,
                             _("The guest’s display could not be opened.")));
  fd_request_free (req);
}

static void
on_open_fd (SpiceChannel *channel,
            int           with_tls,
            gpointer      user_data)
{
  TerraDisplaySession *self = user_data;
  FdRequest *req = g_new0 (FdRequest, 1);

  g_weak_ref_init (&req->session, self);
  req->channel = g_object_ref (channel);
  self->provider (self->provider_data, self->cancellable, on_fd_ready, req);
}

static void
on_channel_event (SpiceChannel     *channel,
                  SpiceChannelEvent event,
                  gpointer          user_data)
{
  TerraDisplaySession *self = user_data;

  switch (event)
    {
    case SPICE_CHANNEL_OPENED:
      if (SPICE_IS_INPUTS_CHANNEL (channel))
        self->inputs_ready = TRUE;
      if (SPICE_IS_MAIN_CHANNEL (channel))
        update_mouse_mode (self);
      break;

    case SPICE_CHANNEL_CLOSED:
      if (SPICE_IS_MAIN_CHANNEL (channel) && self->state != TERRA_DISPLAY_STATE_DISCONNECTED)
        fail (self, g_error_new (TERRA_ERROR, TERRA_ERROR_DISPLAY,
                                 _("The display connection was closed. Another viewer may have taken over this guest’s display (a SPICE display has one viewer at a time), or the virtual machine stopped.")));
      if (SPICE_IS_INPUTS_CHANNEL (channel))
        self->inputs_ready = FALSE;
      break;

    case SPICE_CHANNEL_ERROR_CONNECT:
    case SPICE_CHANNEL_ERROR_TLS:
    case SPICE_CHANNEL_ERROR_LINK:
    case SPICE_CHANNEL_ERROR_AUTH:
    case SPICE_CHANNEL_ERROR_IO:
      {
        const GError *spice_error = spice_channel_get_error (channel);
        if (SPICE_IS_MAIN_CHANNEL (channel) || SPICE_IS_DISPLAY_CHANNEL (channel))
          fail (self, g_error_new (TERRA_ERROR, TERRA_ERROR_DISPLAY, "%s\n\n%s",
                                   _("The connection to the guest’s display failed."),
                                   spice_error ? spice_error->message : _("SPICE channel error")));
        if (SPICE_IS_INPUTS_CHANNEL (channel))
          self->inputs_ready = FALSE;
      }
      break;

    case SPICE_CHANNEL_NONE:
    case SPICE_CHANNEL_SWITCHING:
    default:
      break;
    }
}

static void
on_channel_new (SpiceSession *session,
                SpiceChannel *channel,
                gpointer      user_data)
{
  TerraDisplaySession *self = user_data;
  int id = 0;

  g_object_get (channel, "channel-id", &id, NULL);
  g_signal_connect_object (channel, "open-fd", G_CALLBACK (on_open_fd), self, 0);
  g_signal_connect_object (channel, "channel-event", G_CALLBACK (on_channel_event), self, 0);

  if (SPICE_IS_MAIN_CHANNEL (channel))
    {
      g_set_object (&self->main, SPICE_MAIN_CHANNEL (channel));
      g_signal_connect_object (channel, "main-mouse-update", G_CALLBACK (on_mouse_update), self, 0);
      g_signal_connect_object (channel, "main-agent-update", G_CALLBACK (on_agent_update), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection-grab", G_CALLBACK (on_clipboard_grab), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection-release", G_CALLBACK (on_clipboard_release), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection-request", G_CALLBACK (on_clipboard_request), self, 0);
      g_signal_connect_object (channel, "main-clipboard-selection", G_CALLBACK (on_clipboard_data), self, 0);
      return;  /* the session connects it */
    }

  if (SPICE_IS_DISPLAY_CHANNEL (channel))
    {
      SpiceDisplayPrimary primary;

      if (id != 0 || self->display != NULL)
        return;  /* one monitor for now */
      g_set_object (&self->display, channel);
      g_signal_connect_object (channel, "display-primary-create", G_CALLBACK (on_primary_create), self, 0);
      g_signal_connect_object (channel, "display-primary-destroy", G_CALLBACK (on_primary_destroy), self, 0);
      g_signal_connect_object (channel, "display-invalidate", G_CALLBACK (on_invalidate), self, 0);
      g_signal_connect_object (channel, "display-mark", G_CALLBACK (on_mark), self, 0);
      if (spice_display_channel_get_primary (channel, 0, &primary))
        {
          on_primary_create (channel, primary.format, primary.width, primary.height,
                             primary.stride, primary.shmid, primary.data, self);
          on_mark (channel, primary.marked, self);
        }
    }
  else if (SPICE_IS_INPUTS_CHANNEL (channel))
    g_set_object (&self->inputs, SPICE_INPUTS_CHANNEL (channel));
  else if (SPICE_IS_CURSOR_CHANNEL (channel))
    {
      g_set_object (&self->cursor, SPICE_CURSOR_CHANNEL (channel));
      g_signal_connect_object (channel, "cursor-set", G_CALLBACK (on_cursor_set), self, 0);
      g_signal_connect_object (channel, "cursor-hide", G_CALLBACK (on_cursor_hide), self, 0);
      g_signal_connect_object (channel, "cursor-reset", G_CALLBACK (on_cursor_hide), self, 0);
    }
  else
    return;  /* audio, USB, WebDAV…: not yet */

  spice_channel_connect (channel);
}

static void
on_channel_destroy (SpiceSession *session,
                    SpiceChannel *channel,
                    gpointer      user_data)
{
  TerraDisplaySession *self = user_data;

  if ((gpointer)channel == (gpointer)self->display)
    {
      on_primary_destroy (channel, self);
      g_clear_object (&self->display);
    }
  else if ((gpointer)channel == (gpointer)self->inputs)
    {
      self->inputs_ready = FALSE;
      g_clear_object (&self->inputs);
    }
  else if ((gpointer)channel == (gpointer)self->cursor)
    g_clear_object (&self->cursor);
  else if ((gpointer)channel == (gpointer)self->main)
    g_clear_object (&self->main);
}

/* --- object -------------------------------------------------------------- */

static void
terra_display_session_dispose (GObject *object)
{
  TerraDisplaySession *self = TERRA_DISPLAY_SESSION (object);

  terra_display_session_disconnect (self);
  if (self->provider_destroy != NULL)
    g_clear_pointer (&self->provider_data, self->provider_destroy);

  G_OBJECT_CLASS (terra_display_session_parent_class)->dispose (object);
}

static void
terra_display_session_finalize (GObject *object)
{
  TerraDisplaySession *self = TERRA_DISPLAY_SESSION (object);

  g_clear_error (&self->error);
  g_clear_pointer (&self->converted, g_free);
  g_clear_pointer (&self->cursor_rgba, g_free);

  G_OBJECT_CLASS (terra_display_session_parent_class)->finalize (object);
}

static void
terra_display_session_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TerraDisplaySession *self = TERRA_DISPLAY_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_WIDTH: g_value_set_int (value, self->width); break;
    case PROP_HEIGHT: g_value_set_int (value, self->height); break;
    case PROP_MOUSE_ABSOLUTE: g_value_set_boolean (value, self->mouse_absolute); break;
    case PROP_AGENT_CONNECTED: g_value_set_boolean (value, self->agent_connected); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terra_display_session_class_init (TerraDisplaySessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = terra_display_session_dispose;
  object_class->finalize = terra_display_session_finalize;
  object_class->get_property = terra_display_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TERRA_TYPE_DISPLAY_STATE, TERRA_DISPLAY_STATE_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MOUSE_ABSOLUTE] =
    g_param_spec_boolean ("mouse-absolute", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AGENT_CONNECTED] =
    g_param_spec_boolean ("agent-connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SURFACE_CHANGED] =
    g_signal_new ("surface-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DAMAGE] =
    g_signal_new ("damage", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  signals[SIGNAL_CURSOR_CHANGED] =
    g_signal_new ("cursor-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TerraDisplaySession::agent-changed:
   *
   * The guest agent connected, went away or announced its capabilities.
   */
  signals[SIGNAL_AGENT_CHANGED] =
    g_signal_new ("agent-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TerraDisplaySession::clipboard-grabbed:
   * @selection: a #TerraSelection
   * @types: (element-type guint32): the #TerraClipboardType<!-- -->s the guest offers
   *
   * The guest's agent owns @selection now.
   */
  signals[SIGNAL_CLIPBOARD_GRABBED] =
    g_signal_new ("clipboard-grabbed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ARRAY);
  /** TerraDisplaySession::clipboard-released: @selection: the guest gave it up */
  signals[SIGNAL_CLIPBOARD_RELEASED] =
    g_signal_new ("clipboard-released", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * TerraDisplaySession::clipboard-requested:
   * @selection: a #TerraSelection the host grabbed
   * @type: the #TerraClipboardType wanted
   *
   * The guest pastes: answer with terra_display_session_clipboard_send().
   */
  signals[SIGNAL_CLIPBOARD_REQUESTED] =
    g_signal_new ("clipboard-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * TerraDisplaySession::clipboard-received:
   * @selection: a #TerraSelection
   * @type: a #TerraClipboardType
   * @data: the guest's contents (empty when it had none)
   *
   * The answer to terra_display_session_clipboard_request().
   */
  signals[SIGNAL_CLIPBOARD_RECEIVED] =
    g_signal_new ("clipboard-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_BYTES);
}

static void
terra_display_session_init (TerraDisplaySession *self)
{
}

/**
 * terra_display_session_new:
 * @provider: produces connected sockets to the guest's SPICE server
 * @user_data: data for @provider
 * @destroy: (nullable): frees @user_data when the session is disposed
 *
 * Returns: (transfer full): a disconnected session
 */
TerraDisplaySession *
terra_display_session_new (TerraDisplayFdProvider provider,
                           gpointer               user_data,
                           GDestroyNotify         destroy)
{
  TerraDisplaySession *self;

  g_return_val_if_fail (provider != NULL, NULL);

  self = g_object_new (TERRA_TYPE_DISPLAY_SESSION, NULL);
  self->provider = provider;
  self->provider_data = user_data;
  self->provider_destroy = destroy;
  return self;
}

/**
 * terra_display_session_connect:
 * @self: a #TerraDisplaySession
 *
 * Opens a SPICE session (main, display, inputs and cursor channels; audio
 * and USB redirection off), each channel on a socket from the provider.
 * State goes CONNECTING, then READY at the first display mark, or FAILED.
 * Calling it on a connected session reconnects.
 */
void
terra_display_session_connect (TerraDisplaySession *self)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  terra_display_session_disconnect (self);
  g_clear_error (&self->error);
  self->cancellable = g_cancellable_new ();
  self->session = spice_session_new ();
  g_object_set (self->session,
                "enable-audio", FALSE,
                "enable-usbredir", FALSE,
                NULL);
  g_signal_connect_object (self->session, "channel-new", G_CALLBACK (on_channel_new), self, 0);
  g_signal_connect_object (self->session, "channel-destroy", G_CALLBACK (on_channel_destroy), self, 0);
  set_state (self, TERRA_DISPLAY_STATE_CONNECTING);
  /* -1: the main channel asks for its socket through "open-fd" too. */
  if (!spice_session_open_fd (self->session, -1))
    fail (self, g_error_new (TERRA_ERROR, TERRA_ERROR_DISPLAY, _("The guest’s display could not be opened.")));
}

/**
 * terra_display_session_disconnect:
 * @self: a #TerraDisplaySession
 *
 * Closes every channel. The guest keeps running. State becomes DISCONNECTED
 * (an earlier FAILED error is kept for terra_display_session_get_error()).
 */
void
terra_display_session_disconnect (TerraDisplaySession *self)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->session != NULL)
    {
      terra_display_session_release_keys (self);
      g_signal_handlers_disconnect_by_data (self->session, self);
      spice_session_disconnect (self->session);
      g_clear_object (&self->session);
    }
  g_clear_object (&self->main);
  g_clear_object (&self->display);
  g_clear_object (&self->inputs);
  g_clear_object (&self->cursor);
  self->inputs_ready = FALSE;
  self->marked = FALSE;
  if (self->canvas != NULL || self->converted != NULL)
    {
      self->canvas = NULL;
      g_clear_pointer (&self->converted, g_free);
      self->width = self->height = 0;
      g_signal_emit (self, signals[SIGNAL_SURFACE_CHANGED], 0);
    }
  if (self->state != TERRA_DISPLAY_STATE_FAILED)
    set_state (self, TERRA_DISPLAY_STATE_DISCONNECTED);
}

/** terra_display_session_get_state: Returns: the connection state */
TerraDisplayState
terra_display_session_get_state (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), TERRA_DISPLAY_STATE_DISCONNECTED);
  return self->state;
}

/** terra_display_session_get_error: Returns: (transfer none) (nullable): why the session FAILED */
const GError *
terra_display_session_get_error (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), NULL);
  return self->error;
}

/** terra_display_session_get_width: Returns: the guest surface width in pixels, 0 without one */
int
terra_display_session_get_width (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), 0);
  return self->width;
}

/** terra_display_session_get_height: Returns: the guest surface height in pixels, 0 without one */
int
terra_display_session_get_height (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), 0);
  return self->height;
}

/** terra_display_session_get_mouse_absolute: Returns: whether SPICE is in client (absolute) mouse mode */
gboolean
terra_display_session_get_mouse_absolute (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);
  return self->mouse_absolute;
}

/** terra_display_session_get_agent_connected: Returns: whether the guest's SPICE agent (spice-vdagent) is connected */
gboolean
terra_display_session_get_agent_connected (TerraDisplaySession *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);
  return self->agent_connected;
}

/**
 * terra_display_session_get_pixels:
 * @self: a #TerraDisplaySession
 * @width: (out) (optional): pixels
 * @height: (out) (optional): pixels
 * @stride: (out) (optional): bytes per row
 *
 * Returns: (transfer none) (nullable): the surface, BGRx (GDK_MEMORY_B8G8R8X8,
 *   Cairo RGB24); valid until "surface-changed"
 */
const guint8 *
terra_display_session_get_pixels (TerraDisplaySession *self,
                                  int                 *width,
                                  int                 *height,
                                  gsize               *stride)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), NULL);

  if (width) *width = self->width;
  if (height) *height = self->height;
  if (self->converted != NULL)
    {
      if (stride) *stride = (gsize)self->width * 4;
      return self->converted;
    }
  if (stride) *stride = (gsize)self->stride;
  return self->canvas;
}

/**
 * terra_display_session_get_cursor:
 * @self: a #TerraDisplaySession
 * @width: (out): pixels
 * @height: (out): pixels
 * @hot_x: (out): hot spot
 * @hot_y: (out): hot spot
 *
 * Returns: (transfer none) (nullable): RGBA bytes, straight alpha, or %NULL
 *   when the guest hides its cursor
 */
const guint8 *
terra_display_session_get_cursor (TerraDisplaySession *self,
                                  int                 *width,
                                  int                 *height,
                                  int                 *hot_x,
                                  int                 *hot_y)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), NULL);

  *width = self->cursor_width;
  *height = self->cursor_height;
  *hot_x = self->cursor_hot_x;
  *hot_y = self->cursor_hot_y;
  return self->cursor_rgba;
}

/* --- input ---------------------------------------------------------------- */

static gboolean
key_is_pressed (TerraDisplaySession *self,
                guint                scancode)
{
  return (self->pressed[scancode / 32] >> (scancode % 32)) & 1;
}

static void
set_key_pressed (TerraDisplaySession *self,
                 guint                scancode,
                 gboolean             pressed)
{
  if (pressed)
    self->pressed[scancode / 32] |= 1u << (scancode % 32);
  else
    self->pressed[scancode / 32] &= ~(1u << (scancode % 32));
}

/**
 * terra_display_session_key:
 * @self: a #TerraDisplaySession
 * @scancode: XT scancode, 0x100 | code for E0 keys (terra_keymap_evdev_to_xt())
 * @pressed: press or release
 *
 * Sends a key to the guest. Pause is sent as E1 1D 45 (SPICE: 0x21d, 0x45).
 * Without an inputs channel the key is dropped.
 */
void
terra_display_session_key (TerraDisplaySession *self,
                           guint                scancode,
                           gboolean             pressed)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  if (scancode == 0 || scancode >= N_KEYS || self->inputs == NULL || !self->inputs_ready)
    return;

  if (terra_keymap_is_pause (scancode))
    {
      if (pressed)
        {
          spice_inputs_channel_key_press (self->inputs, 0x21d);
          spice_inputs_channel_key_press (self->inputs, 0x45);
          spice_inputs_channel_key_release (self->inputs, 0x21d);
          spice_inputs_channel_key_release (self->inputs, 0x45);
        }
      return;
    }

  if (pressed)
    {
      spice_inputs_channel_key_press (self->inputs, scancode);
      set_key_pressed (self, scancode, TRUE);
    }
  else if (key_is_pressed (self, scancode))
    {
      spice_inputs_channel_key_release (self->inputs, scancode);
      set_key_pressed (self, scancode, FALSE);
    }
}

/**
 * terra_display_session_release_keys:
 * @self: a #TerraDisplaySession
 *
 * Releases every key still held (call on focus loss, so the guest does not
 * see a key stuck down), and every pointer button.
 */
void
terra_display_session_release_keys (TerraDisplaySession *self)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  for (guint code = 0; code < N_KEYS; code++)
    if (key_is_pressed (self, code))
      {
        if (self->inputs != NULL && self->inputs_ready)
          spice_inputs_channel_key_release (self->inputs, code);
        set_key_pressed (self, code, FALSE);
      }
  for (int button = 1; button <= 3; button++)
    if (self->buttons & (1 << (button - 1)))
      terra_display_session_pointer_button (self, button, FALSE);
}

/* US layout: ASCII → evdev key code, and whether Shift is needed. */
static gboolean
char_to_evdev (char      c,
               guint    *code,
               gboolean *shift)
{
  static const char row_num[] = "1234567890-=";
  static const char row_num_s[] = "!@#$%^&*()_+";
  static const char row_q[] = "qwertyuiop[]";
  static const char row_q_s[] = "QWERTYUIOP{}";
  static const char row_a[] = "asdfghjkl;'`";
  static const char row_a_s[] = "ASDFGHJKL:\"~";
  static const char row_z[] = "\\zxcvbnm,./";
  static const char row_z_s[] = "|ZXCVBNM<>?";
  const char *p;

  *shift = FALSE;
  if (c == '\n') { *code = 28; return TRUE; }   /* KEY_ENTER */
  if (c == '\t') { *code = 15; return TRUE; }   /* KEY_TAB */
  if (c == ' ')  { *code = 57; return TRUE; }   /* KEY_SPACE */
  if (c == '\0')
    return FALSE;
  if ((p = strchr (row_num, c))) { *code = 2 + (p - row_num); return TRUE; }
  if ((p = strchr (row_num_s, c))) { *code = 2 + (p - row_num_s); *shift = TRUE; return TRUE; }
  if ((p = strchr (row_q, c))) { *code = 16 + (p - row_q); return TRUE; }
  if ((p = strchr (row_q_s, c))) { *code = 16 + (p - row_q_s); *shift = TRUE; return TRUE; }
  if ((p = strchr (row_a, c))) { *code = 30 + (p - row_a); return TRUE; }
  if ((p = strchr (row_a_s, c))) { *code = 30 + (p - row_a_s); *shift = TRUE; return TRUE; }
  if ((p = strchr (row_z, c))) { *code = 43 + (p - row_z); return TRUE; }
  if ((p = strchr (row_z_s, c))) { *code = 43 + (p - row_z_s); *shift = TRUE; return TRUE; }
  return FALSE;
}

/* Key events for @text: pairs of (scancode, pressed). */
static GArray *
text_to_events (const char  *text,
                GError     **error)
{
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (guint));

  for (const char *p = text; *p; p++)
    {
      guint code, sc, shift_sc = 42; /* KEY_LEFTSHIFT */
      gboolean shift;

      if (!char_to_evdev (*p, &code, &shift))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                       _("Cannot type “%c”: only printable ASCII, newline and tab can be typed."), *p);
          return NULL;
        }
      sc = terra_keymap_evdev_to_xt (code);
#define PUSH(s, down) G_STMT_START { guint v = ((s) << 1) | ((down) ? 1 : 0); g_array_append_val (events, v); } G_STMT_END
      if (shift) PUSH (shift_sc, TRUE);
      PUSH (sc, TRUE);
      PUSH (sc, FALSE);
      if (shift) PUSH (shift_sc, FALSE);
#undef PUSH
    }
  return g_steal_pointer (&events);
}

/**
 * terra_display_session_type_text:
 * @self: a #TerraDisplaySession
 * @text: printable ASCII, \n for Enter, \t for Tab
 * @error: %TERRA_ERROR_INVALID_ARGUMENT for a character that cannot be
 *   typed (nothing is sent then); %TERRA_ERROR_DISPLAY without inputs channel
 *
 * Types @text at once as US-layout key presses.
 *
 * Returns: %TRUE when sent
 */
gboolean
terra_display_session_type_text (TerraDisplaySession  *self,
                                 const char           *text,
                                 GError              **error)
{
  g_autoptr(GArray) events = NULL;

  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);

  events = text_to_events (text, error);
  if (events == NULL)
    return FALSE;
  if (self->inputs == NULL || !self->inputs_ready)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_DISPLAY, _("The guest’s keyboard is not connected yet."));
      return FALSE;
    }
  for (guint i = 0; i < events->len; i++)
    {
      guint v = g_array_index (events, guint, i);
      terra_display_session_key (self, v >> 1, v & 1);
    }
  return TRUE;
}

/**
 * terra_display_session_pointer_move:
 * @self: a #TerraDisplaySession
 * @x: guest surface x, pixels
 * @y: guest surface y, pixels
 *
 * Moves the guest's absolute pointer (USB tablet, SPICE client mouse mode).
 */
void
terra_display_session_pointer_move (TerraDisplaySession *self,
                                    int                  x,
                                    int                  y)
{
  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  if (self->inputs == NULL || !self->inputs_ready || !self->mouse_absolute)
    return;
  spice_inputs_channel_position (self->inputs, CLAMP (x, 0, MAX (self->width - 1, 0)),
                                 CLAMP (y, 0, MAX (self->height - 1, 0)), 0, self->buttons);
}

/**
 * terra_display_session_pointer_button:
 * @self: a #TerraDisplaySession
 * @button: 1 left, 2 middle, 3 right, 4 wheel up, 5 wheel down
 * @pressed: press or release (wheel "buttons" send both on press)
 */
void
terra_display_session_pointer_button (TerraDisplaySession *self,
                                      int                  button,
                                      gboolean             pressed)
{
  int mask;

  g_return_if_fail (TERRA_IS_DISPLAY_SESSION (self));

  if (button < 1 || button > 5)
    return;
  mask = button <= 3 ? 1 << (button - 1) : 0;
  if (self->inputs == NULL || !self->inputs_ready)
    {
      self->buttons &= ~mask;
      return;
    }
  /* SPICE button numbers match X11's for 1–5 (SPICE_MOUSE_BUTTON_LEFT … DOWN). */
  if (button >= 4)
    {
      if (pressed)
        {
          spice_inputs_channel_button_press (self->inputs, button, self->buttons);
          spice_inputs_channel_button_release (self->inputs, button, self->buttons);
        }
      return;
    }
  if (pressed)
    {
      spice_inputs_channel_button_press (self->inputs, button, self->buttons);
      self->buttons |= mask;
    }
  else
    {
      spice_inputs_channel_button_release (self->inputs, button, self->buttons);
      self->buttons &= ~mask;
    }
}

/**
 * terra_display_session_save_png:
 * @self: a #TerraDisplaySession
 * @path: file to write
 * @error: %TERRA_ERROR_DISPLAY without a surface; the gdk-pixbuf error on
 *   write failure
 *
 * Returns: %TRUE when written
 */
gboolean
terra_display_session_save_png (TerraDisplaySession  *self,
                                const char           *path,
                                GError              **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  const guint8 *pixels;
  int width, height;
  gsize stride;
  guint8 *out;
  int out_stride;

  g_return_val_if_fail (TERRA_IS_DISPLAY_SESSION (self), FALSE);

  pixels = terra_display_session_get_pixels (self, &width, &height, &stride);
  if (pixels == NULL || width <= 0 || height <= 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_DISPLAY, _("The guest shows no screen yet."));
      return FALSE;
    }
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  out = gdk_pixbuf_get_pixels (pixbuf);
  out_stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize)y * stride;
      guint8 *dst = out + (gsize)y * out_stride;
      for (int x = 0; x < width; x++, src += 4, dst += 3)
        {
          dst[0] = src[2];
          dst[1] = src[1];
          dst[2] = src[0];
        }
    }
  return gdk_pixbuf_save (pixbuf, path, "png", error, NULL);
}

/* --- blocking helpers for terrarium-ctl --------------------------------- */

typedef struct {
  gboolean   timed_out;
  gint64     last_damage;
} Waiter;

static gboolean
on_timeout (gpointer data)
{
  ((Waiter *)data)->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
on_damage_seen (TerraDisplaySession *session,
                int x, int y, int w, int h,
                gpointer             data)
{
  ((Waiter *)data)->last_damage = g_get_monotonic_time ();
}

/* Iterates the default main context until @done(session) or the deadline. */
static gboolean
wait_until (TerraDisplaySession *self,
            gboolean           (*done) (TerraDisplaySession *),
            Waiter              *waiter)
{
  while (!waiter->timed_out && self->state != TERRA_DISPLAY_STATE_FAILED && !done (self))
    g_main_context_iteration (NULL, TRUE);
  return done (self);
}

static gboolean
is_ready (TerraDisplaySession *self)
{
  return self->state == TERRA_DISPLAY_STATE_READY && self->canvas != NULL;
}

static gboolean
inputs_up (TerraDisplaySession *self)
{
  return self->inputs_ready;
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for @ms milliseconds. */
static void
pump_for (guint ms)
{
  gboolean fired = FALSE;

  g_timeout_add (ms, set_flag, &fired);
  while (!fired)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
session_error (TerraDisplaySession  *self,
               const char           *what,
               GError              **error)
{
  if (self->error != NULL)
    g_propagate_error (error, g_error_copy (self->error));
  else
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_DISPLAY, "%s", what);
  return FALSE;
}

/* A session for one blocking command: connected, with a deadline. */
typedef struct {
  TerraDisplaySession *session;
  Waiter               waiter;
  guint                timeout_id;
} Blocking;

/* Connects and iterates until @done or @timeout_ms; on failure sets @error
 * (the session's own error, else @too_late). Close with blocking_close()
 * either way. */
static gboolean
blocking_open (Blocking                *b,
               TerraDisplayFdProvider   provider,
               gpointer                 user_data,
               guint                    timeout_ms,
               gboolean               (*done) (TerraDisplaySession *),
               const char              *too_late,
               GError                 **error)
{
  b->session = terra_display_session_new (provider, user_data, NULL);
  b->waiter = (Waiter) { FALSE, 0 };
  b->timeout_id = g_timeout_add (timeout_ms, on_timeout, &b->waiter);
  g_signal_connect (b->session, "damage", G_CALLBACK (on_damage_seen), &b->waiter);
  terra_display_session_connect (b->session);
  if (!wait_until (b->session, done, &b->waiter))
    return session_error (b->session, too_late, error);
  return TRUE;
}

static void
blocking_close (Blocking *b)
{
  if (!b->waiter.timed_out)
    g_source_remove (b->timeout_id);
  g_signal_handlers_disconnect_by_data (b->session, &b->waiter);
  terra_display_session_disconnect (b->session);
  pump_for (50);
  g_clear_object (&b->session);
}

static void
on_copy_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

/**
 * terra_display_copy_files_sync:
 * @provider: socket provider (see #TerraDisplayFdProvider)
 * @user_data: data for @provider
 * @files: (array zero-terminated=1): local files
 * @timeout_ms: how long the guest's agent may take to connect
 * @error: %TERRA_ERROR_DISPLAY when the agent does not connect in time, or
 *   an error of terra_display_session_copy_files_finish()
 *
 * For terrarium-ctl: connects, waits for the guest agent, copies @files
 * into the guest (terra_display_session_copy_files_async()), then
 * disconnects. Iterates the default main context.
 *
 * Returns: whether every file was copied
 */
gboolean
terra_display_copy_files_sync (TerraDisplayFdProvider  provider,
                               gpointer                user_data,
                               GFile                 **files,
                               guint                   timeout_ms,
                               GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Blocking b;
  gboolean ok = FALSE;

  if (blocking_open (&b, provider, user_data, timeout_ms, agent_ready,
                     _("The guest’s SPICE agent did not connect in time: is spice-vdagent running in the guest?"), error))
    {
      terra_display_session_copy_files_async (b.session, files, NULL, NULL, NULL, on_copy_done, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      ok = terra_display_session_copy_files_finish (b.session, result, error);
    }
  blocking_close (&b);
  return ok;
}

/**
 * terra_display_capture_png_sync:
 * @provider: socket provider (see #TerraDisplayFdProvider)
 * @user_data: data for @provider
 * @path: PNG file to write
 * @timeout_ms: give up after this long
 * @error: %TERRA_ERROR_DISPLAY (timeout, no screen), or the provider's error
 *
 * For terrarium-ctl: connects, waits for the first complete frame and until
 * the screen has been quiet for 300 ms (at most 2 s more), saves it and
 * disconnects. Iterates the default main context; do not call it from a
 * program that runs its own main loop.
 *
 * Returns: %TRUE when the PNG was written
 */
gboolean
terra_display_capture_png_sync (TerraDisplayFdProvider  provider,
                                gpointer                user_data,
                                const char             *path,
                                guint                   timeout_ms,
                                GError                **error)
{
  Blocking b;
  gboolean ok = FALSE;

  if (blocking_open (&b, provider, user_data, timeout_ms, is_ready,
                     _("The guest’s screen did not appear in time."), error))
    {
      /* Until the screen has been quiet for 300 ms (at most 2 s). */
      gint64 quiet_deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

      b.waiter.last_damage = g_get_monotonic_time ();
      while (!b.waiter.timed_out && g_get_monotonic_time () < quiet_deadline &&
             g_get_monotonic_time () - b.waiter.last_damage < 300 * 1000)
        pump_for (50);
      ok = terra_display_session_save_png (b.session, path, error);
    }
  blocking_close (&b);
  return ok;
}

/**
 * terra_display_type_text_sync:
 * @provider: socket provider (see #TerraDisplayFdProvider)
 * @user_data: data for @provider
 * @text: printable ASCII, \n for Enter, \t for Tab
 * @timeout_ms: give up after this long
 * @error: %TERRA_ERROR_INVALID_ARGUMENT for text that cannot be typed,
 *   %TERRA_ERROR_DISPLAY when the keyboard does not connect in time
 *
 * For terrarium-ctl: connects, waits for the inputs channel, types @text
 * with 15 ms between key events (a guest polls its keyboard; a burst can be
 * dropped), then disconnects. Iterates the default main context.
 *
 * Returns: %TRUE when everything was sent
 */
gboolean
terra_display_type_text_sync (TerraDisplayFdProvider  provider,
                              gpointer                user_data,
                              const char             *text,
                              guint                   timeout_ms,
                              GError                **error)
{
  g_autoptr(GArray) events = NULL;
  Blocking b;
  gboolean ok = FALSE;

  events = text_to_events (text, error);
  if (events == NULL)
    return FALSE;
  if (blocking_open (&b, provider, user_data, timeout_ms, inputs_up,
                     _("The guest’s keyboard did not connect in time."), error))
    {
      for (guint i = 0; i < events->len; i++)
        {
          guint v = g_array_index (events, guint, i);
          terra_display_session_key (b.session, v >> 1, v & 1);
          pump_for (15);
        }
      pump_for (200);
      ok = TRUE;
    }
  blocking_close (&b);
  return ok;
}
