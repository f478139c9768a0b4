/* terra-display-page.c — a guest's screen in the main window, with its header
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The display page: the header (back, the machine's name and state or the
 * keyboard capture, screenshot, fullscreen, the machine menu with Send
 * Key), the TerraDisplayView bound to a TerraDisplaySession for the shown
 * machine, the "off" and "failed" pages, the banner for guests without a
 * tablet, files dropped on the guest, and fullscreen (the header slides over
 * the guest in an AdwFlap). Starting, shutting down and going back are the
 * window's ("win.*" actions: starting checks the host budget); messages go
 * to the window's toasts through the "toast" and "error" signals.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "terra-display-page.h"
#include "terra-display-view.h"
#include "terra-error.h"
#include "terra-machine-ops.h"
#include "terra-ui-helpers.h"

struct _TerraDisplayPage
{
  GtkWidget            parent_instance;

  TerraMachine        *machine;     /* shown */
  TerraDisplaySession *session;
  GtkWidget           *flap;        /* header over the display: hides in fullscreen */
  GtkWidget           *title;
  GtkWidget           *stack;       /* "view" | "off" | "failed" */
  GtkWidget           *view;
  GtkWidget           *failed_page;
  GtkWidget           *fullscreen_button;
  GtkWidget           *pointer_banner;  /* GtkInfoBar: no absolute pointing device */
  GtkWindow           *window;      /* our root, while realized (weak) */
  guint                flap_hide_id;
  guint                pointer_check_id;
};

G_DEFINE_FINAL_TYPE (TerraDisplayPage, terra_display_page, GTK_TYPE_WIDGET)

enum { SIGNAL_TOAST, SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
emit_toast (TerraDisplayPage *self,
            AdwToast         *toast)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, toast);
  g_object_unref (toast);
}

static void
emit_error (TerraDisplayPage *self,
            const GError     *error)
{
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static gboolean
page_is_fullscreen (TerraDisplayPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return GTK_IS_WINDOW (root) && gtk_window_is_fullscreen (GTK_WINDOW (root));
}

/* --- the session and the page's state ------------------------------------------ */

/* The state, or that the keyboard goes to the guest and how to get it back. */
static void
update_display_subtitle (TerraDisplayPage *self)
{
  const char *subtitle;

  if (self->machine == NULL)
    return;
  if (terra_display_view_get_keyboard_captured (TERRA_DISPLAY_VIEW (self->view))
      && terra_machine_get_is_running (self->machine))
    subtitle = _("Keyboard captured · Ctrl+Alt releases it");
  else
    subtitle = terra_machine_state_to_label (terra_machine_get_state (self->machine));
  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->title), subtitle);
}

/* --- guests without an absolute pointing device --------------------------------- */

/* SPICE moves the guest's pointer to the host's only with a tablet (or the
 * agent): client mouse mode. Without it the guest gets relative motion,
 * which needs the host's pointer confined to the window: GTK 4 has no
 * pointer grab, so say so and offer the fix. */
static gboolean
check_pointer (gpointer user_data)
{
  TerraDisplayPage *self = user_data;
  gboolean show;

  self->pointer_check_id = 0;
  show = self->session != NULL && self->machine != NULL && terra_machine_get_is_running (self->machine)
         && terra_display_session_get_state (self->session) == TERRA_DISPLAY_STATE_READY
         && !terra_display_session_get_mouse_absolute (self->session);
  gtk_info_bar_set_revealed (GTK_INFO_BAR (self->pointer_banner), show);
  return G_SOURCE_REMOVE;
}

/* After a short grace: SPICE asks for client mode as it connects. */
static void
schedule_pointer_check (TerraDisplayPage *self)
{
  g_clear_handle_id (&self->pointer_check_id, g_source_remove);
  if (self->session != NULL && terra_display_session_get_mouse_absolute (self->session))
    check_pointer (self);
  else
    self->pointer_check_id = g_timeout_add (2500, check_pointer, self);
}

static gpointer
add_tablet_op (TerraMachine  *machine,
               gpointer       data,
               GError       **error)
{
  gboolean live = FALSE;

  if (!terra_machine_add_tablet_sync (machine, &live, error))
    return NULL;
  return GINT_TO_POINTER (live ? 2 : 1);
}

static void
on_tablet_added (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TerraDisplayPage) self = user_data;
  g_autoptr(GError) error = NULL;
  int outcome = GPOINTER_TO_INT (terra_machine_op_finish (TERRA_MACHINE (source), result, &error));
  AdwToast *toast;

  if (outcome == 0)
    {
      emit_error (self, error);
      return;
    }
  toast = adw_toast_new (outcome == 2 ? _("Tablet added: the pointer follows now")
                                      : _("Tablet added: restart the machine to use it"));
  adw_toast_set_timeout (toast, 6);
  emit_toast (self, toast);
  if (outcome == 1)
    gtk_info_bar_set_revealed (GTK_INFO_BAR (self->pointer_banner), FALSE);
}

static void
on_pointer_banner_response (GtkInfoBar  *bar,
                            int          response,
                            TerraDisplayPage *self)
{
  if (response != GTK_RESPONSE_ACCEPT || self->machine == NULL)
    return;
  terra_machine_op_async (self->machine, add_tablet_op, NULL, NULL, NULL,
                          NULL, on_tablet_added, g_object_ref (self));
}

/* --- fullscreen: the header slides over the display and hides ----------------- */

static gboolean
hide_display_header (gpointer user_data)
{
  TerraDisplayPage *self = user_data;

  self->flap_hide_id = 0;
  if (page_is_fullscreen (self))
    adw_flap_set_reveal_flap (ADW_FLAP (self->flap), FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_fullscreened (TerraDisplayPage *self)
{
  gboolean full = page_is_fullscreen (self);

  adw_flap_set_fold_policy (ADW_FLAP (self->flap),
                            full ? ADW_FLAP_FOLD_POLICY_ALWAYS : ADW_FLAP_FOLD_POLICY_NEVER);
  adw_flap_set_reveal_flap (ADW_FLAP (self->flap), TRUE);
  gtk_button_set_icon_name (GTK_BUTTON (self->fullscreen_button),
                            full ? "view-restore-symbolic" : "view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->fullscreen_button, full ? _("Leave Fullscreen (Shift+F11)")
                                                             : _("Fullscreen (Shift+F11)"));
  g_clear_handle_id (&self->flap_hide_id, g_source_remove);
  if (full)  /* show where the header went, then get out of the way */
    self->flap_hide_id = g_timeout_add (1500, hide_display_header, self);
}

/* In fullscreen, the header comes back when the pointer reaches the top
 * edge and goes when it moves down onto the guest. */
static void
on_display_motion (GtkEventControllerMotion *controller,
                   double                    x,
                   double                    y,
                   TerraDisplayPage         *self)
{
  if (!page_is_fullscreen (self))
    return;
  if (y < 12)
    {
      g_clear_handle_id (&self->flap_hide_id, g_source_remove);
      adw_flap_set_reveal_flap (ADW_FLAP (self->flap), TRUE);
    }
  else if (y > 96 && adw_flap_get_reveal_flap (ADW_FLAP (self->flap)) && self->flap_hide_id == 0)
    self->flap_hide_id = g_timeout_add (400, hide_display_header, self);
}

static void
action_fullscreen (GtkWidget *w, const char *a, GVariant *p)
{
  GtkWindow *window = GTK_WINDOW (gtk_widget_get_root (w));

  if (window == NULL)
    return;
  if (gtk_window_is_fullscreen (window))
    gtk_window_unfullscreen (window);
  else
    gtk_window_fullscreen (window);
}

/* --- files dropped on the display go into the guest ---------------------------- */

typedef struct {
  GWeakRef  page;
  AdwToast *toast;     /* the progress toast */
  GFile   **files;     /* NULL-terminated */
  char     *what;      /* "“name”" or "3 files" */
} CopyFiles;

static void
copy_files_free (CopyFiles *c)
{
  g_weak_ref_clear (&c->page);
  g_clear_object (&c->toast);
  for (guint i = 0; c->files[i] != NULL; i++)
    g_object_unref (c->files[i]);
  g_free (c->files);
  g_free (c->what);
  g_free (c);
}

static void
on_copy_progress (goffset  current,
                  goffset  total,
                  gpointer user_data)
{
  CopyFiles *c = user_data;
  /* Translators: %s is a file name in quotes or "N files", %d a percentage */
  g_autofree char *title = g_strdup_printf (_("Copying %s into the guest… %d %%"), c->what,
                                            total > 0 ? (int)(100 * current / total) : 0);
  adw_toast_set_title (c->toast, title);
}

static void
on_files_copied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CopyFiles *c = user_data;
  g_autoptr(TerraDisplayPage) self = g_weak_ref_get (&c->page);
  g_autoptr(GError) error = NULL;
  gboolean ok = terra_display_session_copy_files_finish (TERRA_DISPLAY_SESSION (source), result, &error);

  adw_toast_dismiss (c->toast);
  if (self != NULL)
    {
      if (!ok)
        emit_error (self, error);
      else
        {
          /* Translators: %s is a file name in quotes or "N files" */
          g_autofree char *title = g_strdup_printf (_("Copied %s into the guest’s Downloads folder"), c->what);
          AdwToast *toast = adw_toast_new (title);
          adw_toast_set_timeout (toast, 5);
          emit_toast (self, toast);
        }
    }
  copy_files_free (c);
}

static void
on_files_dropped (TerraDisplayView *view,
                  GdkFileList      *list,
                  TerraDisplayPage *self)
{
  GSList *files = gdk_file_list_get_files (list);
  guint n = g_slist_length (files), i = 0;
  CopyFiles *c;
  g_autofree char *title = NULL;

  if (self->session == NULL || n == 0)
    {
      g_slist_free (files);
      return;
    }
  c = g_new0 (CopyFiles, 1);
  g_weak_ref_init (&c->page, self);
  c->files = g_new0 (GFile *, n + 1);
  for (GSList *l = files; l != NULL; l = l->next)
    c->files[i++] = g_object_ref (l->data);
  if (n == 1)
    {
      g_autofree char *name = g_file_get_basename (c->files[0]);
      c->what = g_strdup_printf ("“%s”", name);
    }
  else
    c->what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u file", "%u files", n), n);
  g_slist_free (files);
  title = g_strdup_printf (_("Copying %s into the guest…"), c->what);
  c->toast = adw_toast_new (title);
  adw_toast_set_timeout (c->toast, 0);
  emit_toast (self, g_object_ref (c->toast));
  terra_display_session_copy_files_async (self->session, c->files, on_copy_progress, c, NULL, on_files_copied, c);
}

/* Saves the guest's screen as it is now into Pictures (or the home
 * folder), named after the machine and the time. */
static void
action_screenshot (GtkWidget *w, const char *a, GVariant *p)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (w);
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (self->session == NULL || self->machine == NULL)
    return;
  /* Translators: a screenshot's file name: machine name, date and time */
  name = g_strdup_printf (_("%s %s.png"), terra_machine_get_name (self->machine), stamp);
  g_strdelimit (name, "/", '-');
  path = g_build_filename (pictures != NULL ? pictures : g_get_home_dir (), name, NULL);
  if (pictures != NULL)
    g_mkdir_with_parents (pictures, 0755);
  if (!terra_display_session_save_png (self->session, path, &error))
    emit_error (self, error);
  else
    {
      /* Translators: %s is a file name */
      g_autofree char *title = g_strdup_printf (_("Screenshot saved as “%s”"), name);
      AdwToast *toast = adw_toast_new (title);
      adw_toast_set_timeout (toast, 4);
      emit_toast (self, toast);
    }
}

static void
update_display_page (TerraDisplayPage *self)
{
  const char *page = "view";

  if (self->machine == NULL)
    return;
  adw_window_title_set_title (ADW_WINDOW_TITLE (self->title), terra_machine_get_name (self->machine));
  update_display_subtitle (self);

  if (!terra_machine_get_is_running (self->machine))
    {
      page = "off";
      if (self->session != NULL)
        terra_display_session_disconnect (self->session);
    }
  else if (self->session != NULL)
    {
      TerraDisplayState state = terra_display_session_get_state (self->session);

      if (state == TERRA_DISPLAY_STATE_DISCONNECTED)
        terra_display_session_connect (self->session);
      else if (state == TERRA_DISPLAY_STATE_FAILED)
        {
          const GError *error = terra_display_session_get_error (self->session);
          g_autofree char *detail = error ? terra_error_get_detail (error) : NULL;
          g_autofree char *summary = error ? terra_error_get_summary (error) : NULL;
          adw_status_page_set_title (ADW_STATUS_PAGE (self->failed_page),
                                     summary ? summary : _("The guest’s display is not available"));
          g_autofree char *escaped = detail ? g_markup_escape_text (detail, -1) : NULL;
          adw_status_page_set_description (ADW_STATUS_PAGE (self->failed_page), escaped);
          page = "failed";
        }
    }
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), page);
  if (g_str_equal (page, "view"))
    gtk_widget_grab_focus (self->view);
}

static void
action_reconnect (GtkWidget *w, const char *a, GVariant *p)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (w);

  if (self->session != NULL)
    terra_display_session_connect (self->session);
}

/* display.send-keys("1d,38,3b"): presses the PC scancodes (hex, E0 keys as
 * 0x1xx) in order and releases them in reverse: a key combination the
 * desktop would otherwise catch (Ctrl+Alt+F1…F12, Ctrl+Alt+Backspace…). */
static void
action_send_keys (GtkWidget *w, const char *a, GVariant *param)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (w);
  g_auto(GStrv) parts = g_strsplit (g_variant_get_string (param, NULL), ",", -1);
  guint keys[8];
  guint n = 0;

  if (self->session == NULL)
    return;
  for (guint i = 0; parts[i] != NULL && n < G_N_ELEMENTS (keys); i++)
    keys[n++] = (guint)g_ascii_strtoull (parts[i], NULL, 16);
  for (guint i = 0; i < n; i++)
    terra_display_session_key (self->session, keys[i], TRUE);
  for (guint i = n; i > 0; i--)
    terra_display_session_key (self->session, keys[i - 1], FALSE);
}


static void
build (TerraDisplayPage *self)
{
  GtkWidget *header = adw_header_bar_new ();
  GtkEventController *motion;
  GtkWidget *back = gtk_button_new_from_icon_name ("go-previous-symbolic");
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) keys = g_menu_new ();
  GtkWidget *off, *button;

  gtk_widget_set_tooltip_text (back, _("Back to All Virtual Machines (Alt+←)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (back), "win.back");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), back);
  self->title = adw_window_title_new ("", "");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), self->title);

  g_menu_append (keys, _("Send Ctrl+Alt+_Del"), "display.send-keys::1d,38,153"); /* Delete is E0 53 */
  {
    g_autoptr(GMenu) more = g_menu_new ();
    /* Set 1 scancodes: Ctrl 1d, Alt 38, Backspace 0e, F1–F10 3b–44, F11 57, F12 58, Print E0 37. */
    static const char *f_codes[] = { "3b", "3c", "3d", "3e", "3f", "40", "41", "42", "43", "44", "57", "58" };

    g_menu_append (more, _("Ctrl+Alt+_Backspace"), "display.send-keys::1d,38,0e");
    for (guint i = 0; i < G_N_ELEMENTS (f_codes); i++)
      {
        g_autofree char *label = g_strdup_printf (_("Ctrl+Alt+F%u"), i + 1);
        g_autofree char *action = g_strdup_printf ("display.send-keys::1d,38,%s", f_codes[i]);
        g_menu_append (more, label, action);
      }
    g_menu_append (more, _("_Print Screen"), "display.send-keys::137");
    g_menu_append (more, _("_SysRq (Alt+Print Screen)"), "display.send-keys::38,137");
    g_menu_append_submenu (keys, _("Send _Key"), G_MENU_MODEL (more));
  }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (keys));
  g_menu_append (menu, _("_Shut Down"), "win.shutdown-shown");
  g_menu_append (menu, _("_Force Off"), "win.force-off-shown");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_widget_set_tooltip_text (menu_button, _("Virtual Machine Menu"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  self->fullscreen_button = gtk_button_new_from_icon_name ("view-fullscreen-symbolic");
  gtk_widget_set_tooltip_text (self->fullscreen_button, _("Fullscreen (Shift+F11)"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->fullscreen_button), "display.fullscreen");
  /* the keyboard stays with the guest */
  gtk_widget_set_focus_on_click (self->fullscreen_button, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->fullscreen_button);
  button = gtk_button_new_from_icon_name ("camera-photo-symbolic");
  gtk_widget_set_tooltip_text (button, _("Take a Screenshot of the Guest"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "display.screenshot");
  gtk_widget_set_focus_on_click (button, FALSE);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);

  self->stack = gtk_stack_new ();
  gtk_widget_set_vexpand (self->stack, TRUE);
  self->view = terra_display_view_new ();
  gtk_stack_add_named (GTK_STACK (self->stack), self->view, "view");

  off = terra_status_page ("system-shutdown-symbolic", _("The Virtual Machine Is Off"), NULL);
  adw_status_page_set_child (ADW_STATUS_PAGE (off), terra_pill_button (_("_Start"), "win.start-shown"));
  gtk_stack_add_named (GTK_STACK (self->stack), off, "off");

  self->failed_page = terra_status_page ("dialog-error-symbolic", "", NULL);
  button = terra_pill_button (_("_Reconnect"), "display.reconnect");
  adw_status_page_set_child (ADW_STATUS_PAGE (self->failed_page), button);
  gtk_stack_add_named (GTK_STACK (self->stack), self->failed_page, "failed");

  /* The header above the display; in fullscreen it slides over it and
   * hides (AdwFlap, folded). */
  self->flap = adw_flap_new ();
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->flap), GTK_ORIENTATION_VERTICAL);
  adw_flap_set_flap (ADW_FLAP (self->flap), header);
  {
    GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *label = gtk_label_new (_("This guest has no absolute pointing device, so its pointer does not follow yours "
                                        "(and the mouse cannot be confined to the window). Add a USB tablet to fix it."));

    gtk_label_set_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (label), 0);
    self->pointer_banner = gtk_info_bar_new ();
    gtk_info_bar_set_message_type (GTK_INFO_BAR (self->pointer_banner), GTK_MESSAGE_WARNING);
    gtk_info_bar_add_child (GTK_INFO_BAR (self->pointer_banner), label);
    gtk_info_bar_add_button (GTK_INFO_BAR (self->pointer_banner), _("_Add a Tablet"), GTK_RESPONSE_ACCEPT);
    gtk_info_bar_set_revealed (GTK_INFO_BAR (self->pointer_banner), FALSE);
    g_signal_connect (self->pointer_banner, "response", G_CALLBACK (on_pointer_banner_response), self);
    gtk_box_append (GTK_BOX (content), self->pointer_banner);
    gtk_box_append (GTK_BOX (content), self->stack);
    adw_flap_set_content (ADW_FLAP (self->flap), content);
  }
  adw_flap_set_fold_policy (ADW_FLAP (self->flap), ADW_FLAP_FOLD_POLICY_NEVER);
  adw_flap_set_locked (ADW_FLAP (self->flap), TRUE);
  adw_flap_set_modal (ADW_FLAP (self->flap), FALSE);
  adw_flap_set_swipe_to_open (ADW_FLAP (self->flap), FALSE);
  adw_flap_set_swipe_to_close (ADW_FLAP (self->flap), FALSE);
  motion = gtk_event_controller_motion_new ();
  gtk_event_controller_set_propagation_phase (motion, GTK_PHASE_CAPTURE);
  g_signal_connect (motion, "motion", G_CALLBACK (on_display_motion), self);
  gtk_widget_add_controller (self->flap, motion);

  {
    /* Shift+F11 toggles fullscreen even while the guest has the keyboard
     * (capture phase: before the display sends keys to the guest). */
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_F11, GDK_SHIFT_MASK),
                                                            gtk_named_action_new ("display.fullscreen")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }
  g_signal_connect_swapped (self->view, "notify::keyboard-captured",
                            G_CALLBACK (update_display_subtitle), self);
  g_signal_connect (self->view, "files-dropped", G_CALLBACK (on_files_dropped), self);
  gtk_widget_set_parent (self->flap, GTK_WIDGET (self));
}


/* --- object ------------------------------------------------------------------- */

static void
terra_display_page_realize (GtkWidget *widget)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  GTK_WIDGET_CLASS (terra_display_page_parent_class)->realize (widget);
  if (GTK_IS_WINDOW (root))
    {
      self->window = GTK_WINDOW (root);
      g_signal_connect_swapped (root, "notify::fullscreened", G_CALLBACK (on_fullscreened), self);
    }
}

static void
terra_display_page_unrealize (GtkWidget *widget)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (widget);

  if (self->window != NULL)
    g_signal_handlers_disconnect_by_func (self->window, on_fullscreened, self);
  self->window = NULL;
  GTK_WIDGET_CLASS (terra_display_page_parent_class)->unrealize (widget);
}

static void
terra_display_page_dispose (GObject *object)
{
  TerraDisplayPage *self = TERRA_DISPLAY_PAGE (object);

  terra_display_page_close (self);
  g_clear_handle_id (&self->flap_hide_id, g_source_remove);
  g_clear_pointer (&self->flap, gtk_widget_unparent);
  G_OBJECT_CLASS (terra_display_page_parent_class)->dispose (object);
}

static void
terra_display_page_class_init (TerraDisplayPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terra_display_page_dispose;
  widget_class->realize = terra_display_page_realize;
  widget_class->unrealize = terra_display_page_unrealize;

  /**
   * TerraDisplayPage::toast:
   * @toast: an #AdwToast for the window's toast overlay
   */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, ADW_TYPE_TOAST);
  /**
   * TerraDisplayPage::error:
   * @error: a #GError ("summary\n\ndetail" for TERRA_ERROR) to show
   */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_install_action (widget_class, "display.send-keys", "s", action_send_keys);
  gtk_widget_class_install_action (widget_class, "display.fullscreen", NULL, action_fullscreen);
  gtk_widget_class_install_action (widget_class, "display.screenshot", NULL, action_screenshot);
  gtk_widget_class_install_action (widget_class, "display.reconnect", NULL, action_reconnect);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
terra_display_page_init (TerraDisplayPage *self)
{
  build (self);
}

/** terra_display_page_new: Returns: (transfer floating): a display page showing nothing */
GtkWidget *
terra_display_page_new (void)
{
  return g_object_new (TERRA_TYPE_DISPLAY_PAGE, NULL);
}

/** terra_display_page_get_machine: Returns: (transfer none) (nullable): the machine shown */
TerraMachine *
terra_display_page_get_machine (TerraDisplayPage *self)
{
  g_return_val_if_fail (TERRA_IS_DISPLAY_PAGE (self), NULL);
  return self->machine;
}

/**
 * terra_display_page_close:
 * @self: a #TerraDisplayPage
 *
 * Disconnects from the shown machine's display (the guest keeps running)
 * and forgets the machine.
 */
void
terra_display_page_close (TerraDisplayPage *self)
{
  g_return_if_fail (TERRA_IS_DISPLAY_PAGE (self));

  terra_display_view_set_session (TERRA_DISPLAY_VIEW (self->view), NULL);
  g_clear_handle_id (&self->pointer_check_id, g_source_remove);
  if (self->pointer_banner != NULL)
    gtk_info_bar_set_revealed (GTK_INFO_BAR (self->pointer_banner), FALSE);
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      terra_display_session_disconnect (self->session);
      g_clear_object (&self->session);
    }
  if (self->machine != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->machine, self);
      g_clear_object (&self->machine);
    }
}

/**
 * terra_display_page_show:
 * @self: a #TerraDisplayPage
 * @machine: the machine to show
 *
 * Shows @machine: its display when it runs (over an fd from libvirt, see
 * terra_machine_open_graphics_fd_async()), else the "off" page with Start
 * ("win.start-shown"). The page follows the machine's state from then on.
 */
void
terra_display_page_show (TerraDisplayPage *self,
                         TerraMachine     *machine)
{
  g_return_if_fail (TERRA_IS_DISPLAY_PAGE (self));
  g_return_if_fail (TERRA_IS_MACHINE (machine));

  terra_display_page_close (self);
  self->machine = g_object_ref (machine);
  g_signal_connect_swapped (machine, "notify::state", G_CALLBACK (update_display_page), self);
  self->session = terra_display_session_new (terra_machine_provide_graphics_fd, g_object_ref (machine), g_object_unref);
  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (update_display_page), self);
  g_signal_connect_swapped (self->session, "notify::state", G_CALLBACK (schedule_pointer_check), self);
  g_signal_connect_swapped (self->session, "notify::mouse-absolute", G_CALLBACK (schedule_pointer_check), self);
  terra_display_view_set_session (TERRA_DISPLAY_VIEW (self->view), self->session);
  if (terra_machine_get_is_running (machine))
    terra_display_session_connect (self->session);
  update_display_page (self);
}
