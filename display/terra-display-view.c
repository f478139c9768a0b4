/* terra-display-view.c — GTK 4 widget showing a TerraDisplaySession
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames: the session's "damage" handler only marks the texture stale and
 * queues a draw; the frame clock coalesces thousands of invalidates into
 * one snapshot per frame, which builds one GdkMemoryTexture (GTK 4.8 has
 * no texture builder with update regions). The GL fast path is issue #5.
 */
#define G_LOG_DOMAIN "terra-display"

#include "config.h"

#include <glib/gi18n.h>

#include "terra-display-geometry.h"
#include "terra-display-view.h"
#include "terra-keymap.h"

struct _TerraDisplayView
{
  GtkWidget            parent_instance;

  TerraDisplaySession *session;
  GdkTexture          *texture;
  gboolean             stale;
  GtkWidget           *placeholder;   /* GtkLabel shown until READY */
  TerraDisplayFit      fit;
};

G_DEFINE_FINAL_TYPE (TerraDisplayView, terra_display_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

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
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_state (TerraDisplayView *self)
{
  update_placeholder (self);
}

static void
on_surface_changed (TerraDisplayView *self)
{
  g_clear_object (&self->texture);
  self->stale = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_damage (TerraDisplayView *self,
           int x, int y, int w, int h)
{
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

static void
ensure_texture (TerraDisplayView *self)
{
  const guint8 *pixels;
  int width, height;
  gsize stride;
  g_autoptr(GBytes) bytes = NULL;

  if (!self->stale && self->texture != NULL)
    return;
  self->stale = FALSE;
  g_clear_object (&self->texture);
  pixels = terra_display_session_get_pixels (self->session, &width, &height, &stride);
  if (pixels == NULL || width <= 0 || height <= 0)
    return;
  /* One copy per presented frame, whatever the number of invalidates. GTK
   * 4.8 has no xRGB memory format and SPICE leaves the X byte undefined,
   * so the copy forces it opaque. */
  {
    gsize out_stride = (gsize)width * 4;
    guint8 *out = g_malloc (out_stride * height);

    for (int y = 0; y < height; y++)
      {
        const guint32 *src = (const guint32 *)(pixels + (gsize)y * stride);
        guint32 *dst = (guint32 *)(out + (gsize)y * out_stride);
        for (int x = 0; x < width; x++)
          dst[x] = GUINT32_FROM_LE (GUINT32_TO_LE (src[x]) | 0xff000000u);
      }
    bytes = g_bytes_new_take (out, out_stride * height);
    self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8, bytes, out_stride);
  }
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

  if (self->session != NULL && terra_display_session_get_state (self->session) == TERRA_DISPLAY_STATE_READY)
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

  gtk_widget_snapshot_child (widget, self->placeholder, snapshot);
}

static void
terra_display_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  TerraDisplayView *self = TERRA_DISPLAY_VIEW (widget);

  gtk_widget_allocate (self->placeholder, width, height, baseline, NULL);
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

/* --- input ---------------------------------------------------------------- */

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TerraDisplayView      *self)
{
  guint sc = terra_keymap_hw_to_xt (keycode);

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
}

static void
on_focus_leave (GtkEventControllerFocus *controller,
                TerraDisplayView        *self)
{
  if (self->session != NULL)
    terra_display_session_release_keys (self->session);
}

static void
move_pointer (TerraDisplayView *self,
              double            x,
              double            y)
{
  int gx, gy;

  if (self->session == NULL || self->texture == NULL)
    return;
  terra_display_fit_to_guest (&self->fit, x, y, gdk_texture_get_width (self->texture),
                              gdk_texture_get_height (self->texture), &gx, &gy);
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

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, TERRA_TYPE_DISPLAY_SESSION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

  update_placeholder (self);
}

/** terra_display_view_new: Returns: (transfer floating): a display view without a session */
GtkWidget *
terra_display_view_new (void)
{
  return g_object_new (TERRA_TYPE_DISPLAY_VIEW, NULL);
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
  g_set_object (&self->session, session);
  g_clear_object (&self->texture);
  self->stale = TRUE;
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::state", G_CALLBACK (on_state), self);
      g_signal_connect_swapped (session, "surface-changed", G_CALLBACK (on_surface_changed), self);
      g_signal_connect_swapped (session, "damage", G_CALLBACK (on_damage), self);
      g_signal_connect_swapped (session, "cursor-changed", G_CALLBACK (on_cursor_changed), self);
    }
  update_placeholder (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}
