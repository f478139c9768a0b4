/* terra-display-session.h — a SPICE session over file descriptors from a callback
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK-free and libvirt-free: the owner supplies a TerraDisplayFdProvider that
 * produces connected sockets (for a libvirt guest, virDomainOpenGraphicsFD).
 * Every signal is emitted on the thread-default main context of the caller
 * (spice-client-glib runs its channels as coroutines there).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TerraDisplayFdProvider:
 * @user_data: the data given to terra_display_session_new()
 * @cancellable: (nullable): cancels the request
 * @callback: call when the fd is ready
 * @callback_data: data for @callback
 *
 * Asynchronously produces one connected socket to the guest's SPICE server.
 * The GAsyncResult given to @callback must be a GTask whose value is the fd
 * (g_task_return_int(), ownership passes to the session) or an error
 * (g_task_return_error()). SPICE opens one socket per channel, so the provider
 * is called several times per session.
 */
typedef void (*TerraDisplayFdProvider) (gpointer             user_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             callback_data);

typedef enum {
  TERRA_DISPLAY_STATE_DISCONNECTED,
  TERRA_DISPLAY_STATE_CONNECTING,   /* session open, no content yet */
  TERRA_DISPLAY_STATE_READY,        /* primary surface exists and display-mark was seen */
  TERRA_DISPLAY_STATE_FAILED,       /* see terra_display_session_get_error() */
} TerraDisplayState;

#define TERRA_TYPE_DISPLAY_STATE (terra_display_state_get_type ())
GType terra_display_state_get_type (void) G_GNUC_CONST;

#define TERRA_TYPE_DISPLAY_SESSION (terra_display_session_get_type ())
G_DECLARE_FINAL_TYPE (TerraDisplaySession, terra_display_session, TERRA, DISPLAY_SESSION, GObject)

/* Properties: "state" (TerraDisplayState), "width", "height" (guest surface, pixels),
 * "mouse-absolute" (gboolean, TRUE in SPICE client mouse mode),
 * "agent-connected" (gboolean).
 * Signals:
 *   "surface-changed" ()                          — new primary surface (size/format/pixels pointer changed)
 *   "damage"          (int x, int y, int w, int h) — surface rectangle changed; pixels already updated
 *   "cursor-changed"  ()                          — see terra_display_session_get_cursor()
 */

TerraDisplaySession *terra_display_session_new          (TerraDisplayFdProvider  provider,
                                                         gpointer                user_data,
                                                         GDestroyNotify          destroy);
void                 terra_display_session_connect      (TerraDisplaySession    *self);
void                 terra_display_session_disconnect   (TerraDisplaySession    *self);
TerraDisplayState    terra_display_session_get_state    (TerraDisplaySession    *self);
const GError        *terra_display_session_get_error    (TerraDisplaySession    *self);
int                  terra_display_session_get_width    (TerraDisplaySession    *self);
int                  terra_display_session_get_height   (TerraDisplaySession    *self);
gboolean             terra_display_session_get_mouse_absolute (TerraDisplaySession *self);

/* Surface pixels in Cairo RGB24 / GDK_MEMORY_B8G8R8X8 layout (little-endian BGRx),
 * valid until the next "surface-changed" or disconnect. Returns NULL when there is no surface.
 * 16-bit guest formats are converted to this layout internally. */
const guint8        *terra_display_session_get_pixels   (TerraDisplaySession    *self,
                                                         int                    *width,
                                                         int                    *height,
                                                         gsize                  *stride);

/* Cursor image as straight (non-premultiplied) RGBA bytes (R,G,B,A), or NULL when the
 * guest hides the cursor or none was set. */
const guint8        *terra_display_session_get_cursor   (TerraDisplaySession    *self,
                                                         int                    *width,
                                                         int                    *height,
                                                         int                    *hot_x,
                                                         int                    *hot_y);

/* Keyboard: @scancode is a PC XT scancode with 0x100 set for E0-prefixed keys
 * (the encoding spice_inputs_channel_key_press() takes). Use terra_keymap_evdev_to_xt(). */
void                 terra_display_session_key          (TerraDisplaySession    *self,
                                                         guint                   scancode,
                                                         gboolean                pressed);
/* Releases every key this session pressed and did not release (focus loss). */
void                 terra_display_session_release_keys (TerraDisplaySession    *self);
/* Types @text as US-layout key presses (printable ASCII, \n = Enter, \t = Tab). Returns FALSE
 * and sets TERRA_ERROR_INVALID_ARGUMENT for characters it cannot type. */
gboolean             terra_display_session_type_text    (TerraDisplaySession    *self,
                                                         const char             *text,
                                                         GError                **error);

/* Pointer, in guest surface pixels (absolute mode). @buttons is a mask of
 * TERRA_DISPLAY_BUTTON_* that are held. @button is 1 left, 2 middle, 3 right, 4 wheel up,
 * 5 wheel down (X11 numbering, like GDK). */
#define TERRA_DISPLAY_BUTTON_LEFT   (1 << 0)
#define TERRA_DISPLAY_BUTTON_MIDDLE (1 << 1)
#define TERRA_DISPLAY_BUTTON_RIGHT  (1 << 2)
void                 terra_display_session_pointer_move   (TerraDisplaySession *self,
                                                           int                  x,
                                                           int                  y);
void                 terra_display_session_pointer_button (TerraDisplaySession *self,
                                                           int                  button,
                                                           gboolean             pressed);

/* Writes the current surface to @path as PNG. TERRA_ERROR_DISPLAY when there is no surface. */
void                 terra_display_session_clipboard_grab    (TerraDisplaySession *self,
                                                              guint                selection,
                                                              const guint32       *types,
                                                              guint                n_types);
void                 terra_display_session_clipboard_release (TerraDisplaySession *self,
                                                              guint                selection);
gboolean             terra_display_session_clipboard_request (TerraDisplaySession *self,
                                                              guint                selection,
                                                              guint                type);
void                 terra_display_session_clipboard_send    (TerraDisplaySession *self,
                                                              guint                selection,
                                                              guint                type,
                                                              GBytes              *data);
gboolean             terra_display_session_get_guest_crlf    (TerraDisplaySession *self);
gboolean             terra_display_session_resize_guest      (TerraDisplaySession *self,
                                                              int                  width,
                                                              int                  height);
gboolean             terra_display_session_get_agent_connected (TerraDisplaySession *self);
void                 terra_display_session_copy_files_async  (TerraDisplaySession   *self,
                                                              GFile                **files,
                                                              GFileProgressCallback  progress,
                                                              gpointer               progress_data,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
gboolean             terra_display_session_copy_files_finish (TerraDisplaySession   *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);
gboolean             terra_display_copy_files_sync           (TerraDisplayFdProvider provider,
                                                              gpointer               user_data,
                                                              GFile                **files,
                                                              guint                  timeout_ms,
                                                              GError               **error);

gboolean             terra_display_session_save_png     (TerraDisplaySession    *self,
                                                         const char             *path,
                                                         GError                **error);

/* For the CLI: connect, wait (iterating a private main context) until READY and the screen has
 * been quiet for a moment, save a PNG, disconnect. Errors: TERRA_ERROR_DISPLAY (timeout,
 * no display), or the provider's error. */
gboolean             terra_display_capture_png_sync     (TerraDisplayFdProvider  provider,
                                                         gpointer                user_data,
                                                         const char             *path,
                                                         guint                   timeout_ms,
                                                         GError                **error);
/* For the CLI: connect, wait until the inputs channel is up, type @text, disconnect. */
gboolean             terra_display_type_text_sync       (TerraDisplayFdProvider  provider,
                                                         gpointer                user_data,
                                                         const char             *text,
                                                         guint                   timeout_ms,
                                                         GError                **error);

G_END_DECLS
