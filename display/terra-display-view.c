/* terra-display-view.c — GTK 4 widget showing a TerraDisplaySession
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames: the session's "damage" handler only records the rectangle
 * (TerraDamage: clipped, clamped to a bounding box past a few dozen) for the
 * drawing path in use and queues a draw; the frame clock coalesces
 * thousands of invalidates into one frame. The path follows GTK's renderer:
 * - GL: a GtkGLArea child with one texture, into which only the damage is
 *   uploaded straight from SPICE's canvas (terra-display-gl.c);
 * - cairo: a cairo node that paints the canvas itself, nothing copied;
 * - memory textures, when the GL area cannot realize: GTK 4.8 has no
 *   texture builder with update regions, so each frame is a GdkMemoryTexture
 *   over one of two buffers; the frame copies only what changed since that
 *   buffer was last written (forcing SPICE's undefined X byte opaque), and a
 *   buffer is only written once no texture but ours holds it — otherwise it
 *   is replaced.
 */
#define G_LOG_DOMAIN "terra-display"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "terra-display-clipboard.h"
#include "terra-display-damage.h"
#include "terra-display-gl.h"
#include "terra-display-geometry.h"
#include "terra-display-view.h"
#include "terra-keymap.h"

typedef struct _FrameBuffer FrameBuffer;

struct _TerraDisplayView
{
  GtkWidget            parent_instance;

  TerraDisplaySession *session;
  GtkWidget           *placeholder;   /* GtkLabel shown until READY */
  TerraDisplayFit      fit;
  int                  buffer_width;  /* the guest surface last drawn */
  int                  buffer_height;
  gboolean             stale;         /* damage not yet in a frame */

  /* GTK's GL renderer: a GtkGLArea child with one texture, into which only
   * the damage is uploaded (terra-display-gl.c). */
  GtkWidget           *gl_area;
  TerraDisplayGl      *gl;
  TerraDamage          gl_damage;
  gboolean             gl_failed;
  /* The cairo renderer: the guest's surface itself, wrapped as an xRGB
   * cairo image (cairo ignores the X byte); painted through a cairo node in
   * the same frame it was snapshot in, so nothing is copied. */
  gboolean             cairo_renderer;
  cairo_surface_t     *canvas;
  const guint8        *canvas_pixels;
  /* Memory textures (GL unavailable): two frame buffers (BGRA, width × 4
   * bytes a row) and, for each, what changed on the guest since it was
   * last written. */
  GdkTexture          *texture;    /* over buffers[current] */
  FrameBuffer         *buffers[2];
  TerraDamage          pending[2];
  guint                current;

  /* Statistics: pixels copied or uploaded over this many frames. */
  guint64              copied_pixels;
  guint64              frames;
  /* Latency, for bench/display: when the oldest damage not yet in a frame
   * arrived, and (once a frame took it) when the damage of the frame being
   * painted did (monotonic µs). Written to $TERRARIUM_DISPLAY_BENCH_LOG
   * after each paint, when that is set. */
  gint64               damage_since;
  gint64               painting_since;
  guint64              painting_pixels;
  FILE                *bench_log;
  GdkFrameClock       *frame_clock;
  gulong               after_paint_id;

  /* Guest integration (spice-vdagent): the clipboards, and the guest's
   * screen resized to the widget, 400 ms after the last change. */
  TerraDisplayClipboard *clipboard;
  guint                resize_id;
  int                  wanted_width;
  int                  wanted_height;
  /* The keyboard: captured while the view has the focus (system shortcuts
   * go to the guest); pressing and releasing Ctrl+Alt with nothing else
   * releases it. */
  gboolean             keyboard_captured;
  gboolean             release_armed;
};

G_DEFINE_FINAL_TYPE (TerraDisplayView, terra_display_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SESSION, PROP_KEYBOARD_CAPTURED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_FILES_DROPPED, N_VIEW_SIGNALS };
static guint view_signals[N_VIEW_SIGNALS];

static void
update_placeholder (TerraDisplayView *self)
{
  TerraDisplayState state = self->session ? terra_display_session_get_state (self->session)
                                          : TERRA_DISPLAY_STATE_DISCONNECTED;
  const char *text = NULL;

  switch (state)
    {
    case TERRA_DISPLAY_STATE_CONNECTING:
      text = _("Connecting to the guest’s display…");
      break;
    case TERRA_DISPLAY_STATE_DISCONNECTED:
      text = _("Not connected");
      break;
    case TERRA_DISPLAY_STATE_FAILED:
      text = _("The guest’s display is not available");
      break;
    case TERRA_DISPLAY_STATE_READY:
    default:
      break;
    }
  gtk_label_set_label (GTK_LABEL (self->placeholder), text ? text : "");
  gtk_widget_set_visible (self->placeholder, text != NULL);
  if (self->gl_area != NULL)
    gtk_gl_area_queue_render (GTK_GL_AREA (self->gl_area));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_state (TerraDisplayView *self)
{
  update_placeholder (self);
}

static void free_buffers (TerraDisplayView *self);

static void
on_surface_changed (TerraDisplayView *self)
{
  /* New size or pixels: everything is copied again into new buffers. */
  free_buffers (self);
  terra_damage_reset (&self->gl_damage, terra_display_session_get_width (self->session),
                      terra_display_session_get_height (self->session), TRUE);
  if (self->gl_area != NULL)
    gtk_gl_area_queue_render (GTK_GL_AREA (self->gl_area));
  self->stale = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_damage (TerraDisplayView *self,
           int x, int y, int w, int h)
{
  /* Only the path in use keeps damage (the cairo one paints everything);
   * a path taken later starts from a full copy anyway. */
  if (self->gl_area != NULL)
    {
      terra_damage_add (&self->gl_damage, x, y, w, h);
      gtk_gl_area_queue_render (GTK_GL_AREA (self->gl_area));
    }
  else if (!self->cairo_renderer)
    {
      terra_damage_add (&self->pending[0], x, y, w, h);
      terra_damage_add (&self->pending[1], x, y, w, h);
    }
  if (self->damage_since == 0)
    self->damage_since = g_get_monotonic_time ();
  self->stale = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_cursor_changed (TerraDisplayView *self)
{
  int w, h, hx, hy;
  const guint8 *rgba = terra_display_session_get_cursor (self->session, &w, &h, &hx, &hy);

  if (rgba == NULL)
    {
      g_autoptr(GdkCursor) none = gdk_cursor_new_from_name ("none", NULL);
      gtk_widget_set_cursor (GTK_WIDGET (self), none);
    }
  else
    {
      g_autoptr(GBytes) bytes = g_bytes_new (rgba, (gsize)w * h * 4);
      g_autoptr(GdkTexture) tex = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8, bytes, (gsize)w * 4);
      g_autoptr(GdkCursor) cursor = gdk_cursor_new_from_texture (tex, hx, hy, NULL);
      gtk_widget_set_cursor (GTK_WIDGET (self), cursor);
    }
}

/* A frame buffer: width × height BGRA pixels. Textures wrap it without a
 * copy; @users counts them (GdkTexture is released on the main thread, as
 * is everything here). A buffer the view drops while a texture still holds
 * it is @orphaned and freed with its last texture. */
struct _FrameBuffer {
  guint8   *data;
  gsize     size;
  int       users;
  gboolean  orphaned;
};

static FrameBuffer *
frame_buffer_new (gsize size)
{
  FrameBuffer *b = g_new0 (FrameBuffer, 1);
  b->data = g_malloc (size);
  b->size = size;
  return b;
}

static void
frame_buffer_free (FrameBuffer *b)
{
  g_free (b->data);
  g_free (b);
}

static void
frame_buffer_unuse (gpointer data)
{
  FrameBuffer *b = data;
  if (--b->users == 0 && b->orphaned)
    frame_buffer_free (b);
}

static void
frame_buffer_drop (FrameBuffer *b)
{
  if (b == NULL)
    return;
  if (b->users == 0)
    frame_buffer_free (b);
  else
    b->orphaned = TRUE;
}

static void
free_buffers (TerraDisplayView *self)
{
  g_clear_pointer (&self->canvas, cairo_surface_destroy);
  self->canvas_pixels = NULL;
  g_clear_object (&self->texture);
  g_clear_pointer (&self->buffers[0], frame_buffer_drop);
  g_clear_pointer (&self->buffers[1], frame_buffer_drop);
  self->buffer_width = self->buffer_height = 0;
}

/* A frame took the damage so far: @copied pixels went into a buffer or
 * texture. Counts it for the statistics (logged at 8, 16, 32, … frames) and
 * starts its latency for the benchmark log. */
static void
frame_taken (TerraDisplayView *self,
             guint64           copied,
             int               width,
             int               height)
{
  self->painting_pixels = copied;
  self->painting_since = self->damage_since != 0 ? self->damage_since : g_get_monotonic_time ();
  self->damage_since = 0;
  self->stale = FALSE;
  self->copied_pixels += copied;
  self->frames++;
  if (self->frames >= 8 && (self->frames & (self->frames - 1)) == 0)
    g_debug ("display: %" G_GUINT64_FORMAT " frames, %.1f %% of full frames copied",
             self->frames, 100.0 * self->copied_pixels / ((double)self->frames * width * height));
}

/* Copies @damage's rectangles from the guest's surface into @buffer,
 * forcing the X byte opaque (GTK 4.8 has no xRGB memory format and SPICE
 * leaves that byte undefined). Returns the pixels copied. */
static guint64
copy_damage (guint8            *buffer,
             const guint8      *pixels,
             gsize              stride,
             const TerraDamage *damage)
{
  gsize out_stride = (gsize)damage->surface_width * 4;

  for (guint i = 0; i < damage->n_rects; i++)
    {
      const TerraDamageRect *r = &damage->rects[i];
      for (int y = r->y; y < r->y + r->height; y++)
        {
          const guint32 *src = (const guint32 *)(pixels + (gsize)y * stride) + r->x;
          guint32 *dst = (guint32 *)(buffer + (gsize)y * out_stride) + r->x;
          for (int x = 0; x < r->width; x++)
            dst[x] = GUINT32_FROM_LE (GUINT32_TO_LE (src[x]) | 0xff000000u);
        }
    }
  return terra_damage_area (damage);
}

static void
ensure_texture (TerraDisplayView *self)
{
  const guint8 *pixels;
  int width, height;
  gsize stride, size;
  guint next;
  FrameBuffer *buffer;
  g_autoptr(GBytes) bytes = NULL;

  if (!self->stale && self->texture != NULL)
    return;
  self->stale = FALSE;
  pixels = terra_display_session_get_pixels (self->session, &width, &height, &stride);
  if (pixels == NULL || width <= 0 || height <= 0)
    {
      free_buffers (self);
      return;
    }
  if (width != self->buffer_width || height != self->buffer_height)
    {
      free_buffers (self);
      self->buffer_width = width;
      self->buffer_height = height;
    }
  size = (gsize)width * height * 4;

  /* The buffer the shown texture does not use; its pending damage is what
   * changed since it was last written (the frame before last). */
  next = self->texture != NULL ? 1 - self->current : self->current;
  g_clear_object (&self->texture);
  if (self->buffers[next] != NULL && self->buffers[next]->users > 0)
    /* An older frame's texture is still held somewhere: leave it be. */
    g_clear_pointer (&self->buffers[next], frame_buffer_drop);
  if (self->buffers[next] == NULL)
    {
      self->buffers[next] = frame_buffer_new (size);
      terra_damage_reset (&self->pending[next], width, height, TRUE);
    }
  buffer = self->buffers[next];
  frame_taken (self, copy_damage (buffer->data, pixels, stride, &self->pending[next]), width, height);
  terra_damage_reset (&self->pending[next], width, height, FALSE);
  self->current = next;

  buffer->users++;
  bytes = g_bytes_new_with_free_func (buffer->data, size, frame_buffer_unuse, buffer);
  self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, (gsize)width * 4);
}

/* The cairo renderer's frame: a cairo node that paints the guest's surface
 * directly (GTK 4.8's cairo renderer turns every new memory texture into a
 * cairo image through floats, which cost more than everything else here).
 * The node is rendered in this same frame, before SPICE can write the
 * surface again (both run on this thread); if GTK repaints it later, it
 * shows the surface as it is then, which is no older. */
static void
snapshot_canvas (TerraDisplayView *self,
                 GtkSnapshot      *snapshot,
                 double            w,
                 double            h)
{
  int width, height;
  gsize stride;
  const guint8 *pixels = terra_display_session_get_pixels (self->session, &width, &height, &stride);
  cairo_t *cr;

  if (pixels == NULL || width <= 0 || height <= 0)
    return;
  if (self->canvas == NULL || pixels != self->canvas_pixels
      || width != cairo_image_surface_get_width (self->canvas)
      || height != cairo_image_surface_get_height (self->canvas))
    {
      g_clear_pointer (&self->canvas, cairo_surface_destroy);
      self->canvas = cairo_image_surface_create_for_data ((guint8 *)pixels, CAIRO_FORMAT_RGB24,
                                                          width, height, (int)stride);
      self->canvas_pixels = pixels;
    }
  self->buffer_width = width;
  self->buffer_height = height;
  if (self->stale)
    frame_taken (self, 0, width, height);  /* painted in place: nothing copied */
  self->fit = terra_display_fit (w, h, width, height);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (self->fit.x, self->fit.y,
                                                                 width * self->fit.scale,
                                                                 height * self->fit.scale));
  cairo_translate (cr, self->fit.x, self->fit.y);
  cairo_scale (cr, self->fit.scale, self->fit.scale);
  cairo_set_source_surface (cr, self->canvas, 0, 0);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  /* 1:1 is a plain copy; scaled, bilinear (pixman's fast path) rather than
   * cairo's default, a convolution when shrinking. */
  cairo_pattern_set_filter (cairo_get_source (cr),
                            self->fit.scale == 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
terra_display_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (widget);
  double w = gtk_widget_get_width (widget);
  double h = gtk_widget_get_height (widget);
  GdkRGBA black = { 0, 0, 0, 1 };

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, w, h));

  if (self->gl_area != NULL)
    gtk_widget_snapshot_child (widget, self->gl_area, snapshot);
  else if (self->session != NULL && terra_display_session_get_state (self->session) == TERRA_DISPLAY_STATE_READY)
    {
      if (self->cairo_renderer)
        snapshot_canvas (self, snapshot, w, h);
      else
        {
          ensure_texture (self);
          if (self->texture != NULL)
            {
              int gw = gdk_texture_get_width (self->texture);
              int gh = gdk_texture_get_height (self->texture);

              self->fit = terra_display_fit (w, h, gw, gh);
              gtk_snapshot_append_texture (snapshot, self->texture,
                                           &GRAPHENE_RECT_INIT (self->fit.x, self->fit.y,
                                                                gw * self->fit.scale, gh * self->fit.scale));
            }
        }
    }

  gtk_widget_snapshot_child (widget, self->placeholder, snapshot);
}

static gboolean
resize_guest_now (gpointer user_data)
{
  TerraDisplayView *self = user_data;

  self->resize_id = 0;
  if (self->session != NULL
      && (self->wanted_width != terra_display_session_get_width (self->session)
          || self->wanted_height != terra_display_session_get_height (self->session)))
    {
      g_debug ("display: asking the guest for %d×%d", self->wanted_width, self->wanted_height);
      terra_display_session_resize_guest (self->session, self->wanted_width, self->wanted_height);
    }
  return G_SOURCE_REMOVE;
}

/* With an agent in the guest, its screen follows the widget's size in
 * device pixels (GTK 4.8 has integer scale factors only), once the size
 * has settled; without one, the guest is scaled to fit. */
static void
schedule_guest_resize (TerraDisplayView *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int w = gtk_widget_get_width (GTK_WIDGET (self)) * scale;
  int h = gtk_widget_get_height (GTK_WIDGET (self)) * scale;

  if (self->session == NULL || !terra_display_session_get_agent_connected (self->session)
      || w < 64 || h < 64)
    return;
  self->wanted_width = w;
  self->wanted_height = h;
  g_clear_handle_id (&self->resize_id, g_source_remove);
  self->resize_id = g_timeout_add (400, resize_guest_now, self);
}

static void
terra_display_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (widget);

  if (self->gl_area != NULL)
    gtk_widget_allocate (self->gl_area, width, height, baseline, NULL);
  gtk_widget_allocate (self->placeholder, width, height, baseline, NULL);
  schedule_guest_resize (self);
}

static void
terra_display_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = 64;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 1024 : 768;
}

static void set_keyboard_captured (TerraDisplayView *self, gboolean captured);

/* --- benchmark log -------------------------------------------------------- */

/* After the frame clock painted (GSK rendered the frame): one line per
 * presented frame — "MONOTONIC_US LATENCY_US PIXELS_COPIED" — where the
 * latency runs from the oldest damage in the frame to now. */
static void
on_after_paint (GdkFrameClock    *clock,
                TerraDisplayView *self)
{
  gint64 now;

  if (self->painting_since == 0 || self->bench_log == NULL)
    return;
  now = g_get_monotonic_time ();
  fprintf (self->bench_log, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
           now, now - self->painting_since, self->painting_pixels);
  fflush (self->bench_log);
  self->painting_since = 0;
}

/* --- the GL path ------------------------------------------------------------- */

static gboolean
drop_gl_area (gpointer user_data)
{
  TerraDisplayView *self = user_data;

  g_clear_pointer (&self->gl_area, gtk_widget_unparent);
  g_debug ("display: drawing with memory textures, copying only what changed");
  self->stale = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_gl_realize (GtkGLArea        *area,
               TerraDisplayView *self)
{
  g_autoptr(GError) error = NULL;

  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) != NULL)
    error = g_error_copy (gtk_gl_area_get_error (area));
  else
    {
      self->gl = terra_display_gl_new ();
      if (!terra_display_gl_realize (self->gl, gtk_gl_area_get_context (area), &error))
        g_clear_pointer (&self->gl, terra_display_gl_free);
    }
  if (error != NULL)
    {
      /* fall back to memory textures (not from inside this signal) */
      g_message ("The display cannot use GL (%s); drawing without it", error->message);
      self->gl_failed = TRUE;
      g_idle_add (drop_gl_area, g_object_ref (self));
      return;
    }
  if (self->session != NULL)
    terra_damage_reset (&self->gl_damage, terra_display_session_get_width (self->session),
                        terra_display_session_get_height (self->session), TRUE);
}

static void
on_gl_unrealize (GtkGLArea        *area,
                 TerraDisplayView *self)
{
  if (self->gl == NULL)
    return;
  gtk_gl_area_make_current (area);
  if (gtk_gl_area_get_error (area) == NULL)
    terra_display_gl_unrealize (self->gl);
  g_clear_pointer (&self->gl, terra_display_gl_free);
}

static gboolean
on_gl_render (GtkGLArea        *area,
              GdkGLContext     *context,
              TerraDisplayView *self)
{
  int width = 0, height = 0;
  gsize stride = 0;
  const guint8 *pixels = NULL;
  int aw = gtk_widget_get_width (GTK_WIDGET (area));
  int ah = gtk_widget_get_height (GTK_WIDGET (area));
  guint64 uploaded;

  if (self->gl == NULL)
    return FALSE;
  if (self->session != NULL && terra_display_session_get_state (self->session) == TERRA_DISPLAY_STATE_READY)
    pixels = terra_display_session_get_pixels (self->session, &width, &height, &stride);
  if (pixels != NULL && (width != self->gl_damage.surface_width || height != self->gl_damage.surface_height))
    terra_damage_reset (&self->gl_damage, width, height, TRUE);
  self->fit = terra_display_fit (aw, ah, width, height);
  self->buffer_width = pixels != NULL ? width : 0;
  self->buffer_height = pixels != NULL ? height : 0;
  uploaded = terra_display_gl_render (self->gl, pixels, width, height, stride, &self->gl_damage, &self->fit,
                                      aw, ah, gtk_widget_get_scale_factor (GTK_WIDGET (area)));
  if (pixels != NULL)
    {
      terra_damage_reset (&self->gl_damage, width, height, FALSE);
      frame_taken (self, uploaded, width, height);
    }
  return TRUE;
}

static void
terra_display_view_realize (GtkWidget *widget)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (widget);
  const char *log = g_getenv ("TERRARIUM_DISPLAY_BENCH_LOG");

  GTK_WIDGET_CLASS (terra_display_view_parent_class)->realize (widget);
  self->cairo_renderer = GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (gtk_widget_get_native (widget)));
  if (!self->cairo_renderer && !self->gl_failed && self->gl_area == NULL)
    {
      self->gl_area = gtk_gl_area_new ();
      gtk_widget_set_can_target (self->gl_area, FALSE);
      g_signal_connect (self->gl_area, "realize", G_CALLBACK (on_gl_realize), self);
      g_signal_connect (self->gl_area, "unrealize", G_CALLBACK (on_gl_unrealize), self);
      g_signal_connect (self->gl_area, "render", G_CALLBACK (on_gl_render), self);
      gtk_widget_insert_before (self->gl_area, widget, self->placeholder);
    }
  g_debug ("display: drawing with %s",
           self->cairo_renderer ? "cairo, straight from the guest’s surface"
           : self->gl_area != NULL ? "GL, uploading only what changed into one texture"
           : "memory textures, copying only what changed");
  if (log != NULL && *log != '\0' && self->bench_log == NULL)
    self->bench_log = fopen (log, "a");
  if (self->bench_log != NULL)
    {
      self->frame_clock = g_object_ref (gtk_widget_get_frame_clock (widget));
      self->after_paint_id = g_signal_connect (self->frame_clock, "after-paint",
                                               G_CALLBACK (on_after_paint), self);
    }
}

static void
terra_display_view_unrealize (GtkWidget *widget)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (widget);

  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
      g_clear_object (&self->frame_clock);
    }
  g_clear_pointer (&self->bench_log, fclose);
  set_keyboard_captured (self, FALSE);
  GTK_WIDGET_CLASS (terra_display_view_parent_class)->unrealize (widget);
  g_clear_pointer (&self->gl_area, gtk_widget_unparent);
}

/* --- input ---------------------------------------------------------------- */

static gboolean
is_ctrl_or_alt (guint keyval)
{
  return keyval == GDK_KEY_Control_L || keyval == GDK_KEY_Control_R
         || keyval == GDK_KEY_Alt_L || keyval == GDK_KEY_Alt_R || keyval == GDK_KEY_ISO_Level3_Shift;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TerraDisplayView      *self)
{
  guint sc = terra_keymap_hw_to_xt (keycode);

  /* Ctrl then Alt (or Alt then Ctrl) arms the release; any other key
   * disarms it, so Ctrl+Alt+Del still reaches the guest. */
  if (is_ctrl_or_alt (keyval))
    self->release_armed = (keyval == GDK_KEY_Control_L || keyval == GDK_KEY_Control_R)
                          ? (state & GDK_ALT_MASK) != 0 : (state & GDK_CONTROL_MASK) != 0;
  else
    self->release_armed = FALSE;
  if (self->session == NULL || sc == 0)
    return FALSE;
  terra_display_session_key (self->session, sc, TRUE);
  return TRUE;
}

static void
on_key_released (GtkEventControllerKey *controller,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 TerraDisplayView      *self)
{
  guint sc = terra_keymap_hw_to_xt (keycode);

  if (self->session != NULL && sc != 0)
    terra_display_session_key (self->session, sc, FALSE);
  if (self->release_armed && is_ctrl_or_alt (keyval))
    {
      /* Ctrl+Alt alone: give the keyboard back to the desktop. */
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      self->release_armed = FALSE;
      if (root != NULL)
        gtk_root_set_focus (root, NULL);
    }
}

static void
set_keyboard_captured (TerraDisplayView *self,
                       gboolean          captured)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GdkSurface *surface = native != NULL ? gtk_native_get_surface (native) : NULL;

  if (self->keyboard_captured == captured)
    return;
  self->keyboard_captured = captured;
  if (surface != NULL && GDK_IS_TOPLEVEL (surface))
    {
      /* Alt+Tab, the Super key and the like go to the guest meanwhile
       * (where the desktop allows it: the compositor may ask the user). */
      if (captured)
        gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), NULL);
      else
        gdk_toplevel_restore_system_shortcuts (GDK_TOPLEVEL (surface));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYBOARD_CAPTURED]);
}

static void
on_focus_enter (GtkEventControllerFocus *controller,
                TerraDisplayView        *self)
{
  set_keyboard_captured (self, TRUE);
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                TerraDisplayView        *self)
{
  self->release_armed = FALSE;
  if (self->session != NULL)
    terra_display_session_release_keys (self->session);
  set_keyboard_captured (self, FALSE);
}

static void
move_pointer (TerraDisplayView *self,
              double            x,
              double            y)
{
  int gx, gy;

  if (self->session == NULL || self->buffer_width <= 0 || self->buffer_height <= 0)
    return;
  terra_display_fit_to_guest (&self->fit, x, y, self->buffer_width, self->buffer_height, &gx, &gy);
  terra_display_session_pointer_move (self->session, gx, gy);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TerraDisplayView         *self)
{
  move_pointer (self, x, y);
}

static void
on_pressed (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            TerraDisplayView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->session == NULL)
    return;
  move_pointer (self, x, y);
  terra_display_session_pointer_button (self->session, (int)button, TRUE);
}

static void
on_released (GtkGestureClick  *gesture,
             int               n_press,
             double            x,
             double            y,
             TerraDisplayView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  if (self->session != NULL)
    terra_display_session_pointer_button (self->session, (int)button, FALSE);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TerraDisplayView         *self)
{
  if (self->session == NULL || dy == 0)
    return FALSE;
  terra_display_session_pointer_button (self->session, dy < 0 ? 4 : 5, TRUE);
  return TRUE;
}

static gboolean
on_drop (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         TerraDisplayView *self)
{
  GdkFileList *list = g_value_get_boxed (value);

  if (self->session == NULL || list == NULL)
    return FALSE;
  g_signal_emit (self, view_signals[SIGNAL_FILES_DROPPED], 0, list);
  return TRUE;
}

/* --- object -------------------------------------------------------------- */

static void
terra_display_view_dispose (GObject *object)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (object);

  terra_display_view_set_session (self, NULL);
  g_clear_pointer (&self->placeholder, gtk_widget_unparent);
  G_OBJECT_CLASS (terra_display_view_parent_class)->dispose (object);
}

static void
terra_display_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (object);

  if (prop_id == PROP_SESSION)
    g_value_set_object (value, self->session);
  else if (prop_id == PROP_KEYBOARD_CAPTURED)
    g_value_set_boolean (value, self->keyboard_captured);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
terra_display_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (object);

  if (prop_id == PROP_SESSION)
    terra_display_view_set_session (self, g_value_get_object (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
terra_display_view_class_init (TerraDisplayViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terra_display_view_dispose;
  object_class->get_property = terra_display_view_get_property;
  object_class->set_property = terra_display_view_set_property;
  widget_class->snapshot = terra_display_view_snapshot;
  widget_class->size_allocate = terra_display_view_size_allocate;
  widget_class->measure = terra_display_view_measure;
  widget_class->realize = terra_display_view_realize;
  widget_class->unrealize = terra_display_view_unrealize;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TERRA_TYPE_DISPLAY_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * TerraDisplayView:keyboard-captured:
   *
   * Whether keys (system shortcuts too) go to the guest: the view has the
   * keyboard focus. Pressing and releasing Ctrl+Alt alone releases it;
   * clicking the view captures it again.
   */
  properties[PROP_KEYBOARD_CAPTURED] =
    g_param_spec_boolean ("keyboard-captured", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TerraDisplayView::files-dropped:
   * @list: the #GdkFileList dropped on the display
   *
   * Files were dropped on the guest's screen: the owner copies them into
   * the guest (terra_display_session_copy_files_async()).
   */
  view_signals[SIGNAL_FILES_DROPPED] =
    g_signal_new ("files-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, GDK_TYPE_FILE_LIST);

  gtk_widget_class_set_css_name (widget_class, "terra-display");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
terra_display_view_init (TerraDisplayView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Guest display"), -1);

  self->placeholder = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->placeholder, "title-3");
  gtk_widget_add_css_class (self->placeholder, "dim-label");
  gtk_widget_set_parent (self->placeholder, GTK_WIDGET (self));

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (on_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_focus_enter), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
    g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  update_placeholder (self);
}

/** terra_display_view_new: Returns: (transfer floating): a display view without a session */
GtkWidget *
terra_display_view_new (void)
{
  return g_object_new (TERRA_TYPE_DISPLAY_VIEW, NULL);
}

/** terra_display_view_get_keyboard_captured: Returns: whether keys go to the guest (#TerraDisplayView:keyboard-captured) */
gboolean
terra_display_view_get_keyboard_captured (TerraDisplayView *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_VIEW (self), FALSE);
  return self->keyboard_captured;
}

/** terra_display_view_get_session: Returns: (transfer none) (nullable): the session shown */
TerraDisplaySession *
terra_display_view_get_session (TerraDisplayView *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_VIEW (self), NULL);
  return self->session;
}

/**
 * terra_display_view_set_session:
 * @self: a #TerraDisplayView
 * @session: (nullable): the session to show; the view holds a reference but
 *   never connects or disconnects it
 */
void
terra_display_view_set_session (TerraDisplayView    *self,
                                TerraDisplaySession *session)
{
  g_return_if_fail (TERRA_IS_DISPLAY_VIEW (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      terra_display_session_release_keys (self->session);
      g_signal_handlers_disconnect_by_data (self->session, self);
    }
  g_clear_object (&self->clipboard);
  g_clear_handle_id (&self->resize_id, g_source_remove);
  g_set_object (&self->session, session);
  free_buffers (self);
  self->stale = TRUE;
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::state", G_CALLBACK (on_state), self);
      g_signal_connect_swapped (session, "surface-changed", G_CALLBACK (on_surface_changed), self);
      g_signal_connect_swapped (session, "damage", G_CALLBACK (on_damage), self);
      g_signal_connect_swapped (session, "cursor-changed", G_CALLBACK (on_cursor_changed), self);
      g_signal_connect_swapped (session, "agent-changed", G_CALLBACK (schedule_guest_resize), self);
      self->clipboard = terra_display_clipboard_new (session, gtk_widget_get_clipboard (GTK_WIDGET (self)),
                                                     gtk_widget_get_primary_clipboard (GTK_WIDGET (self)));
    }
  update_placeholder (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
