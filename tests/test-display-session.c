/* test-display-session.c — TerraDisplaySession's states with fake fd
 * providers (no libvirt, no guest): a provider that fails, a socket whose
 * far end closes, a "server" that answers garbage, and a disconnect.
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "terra-display-session.h"
#include "terra-error.h"

typedef enum { FAKE_ERROR, FAKE_CLOSED, FAKE_GARBAGE } FakeKind;

typedef struct {
  FakeKind kind;
  guint    calls;
  int      peers[8];   /* our ends of the socket pairs, closed at the end */
  guint    n_peers;
} Fake;

static void
fake_provider (gpointer             user_data,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             callback_data)
{
  Fake *fake = user_data;
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, callback_data);
  int sv[2];

  fake->calls++;
  if (fake->kind == FAKE_ERROR)
    {
      g_task_return_new_error (task, TERRA_ERROR, TERRA_ERROR_DISPLAY, "no display for you");
      return;
    }
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  if (fake->kind == FAKE_CLOSED)
    close (sv[1]);
  else
    {
      /* Not a SPICE link reply. */
      const char garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
      g_assert_cmpint (write (sv[1], garbage, sizeof garbage), ==, (int)sizeof garbage);
      if (fake->n_peers < G_N_ELEMENTS (fake->peers))
        fake->peers[fake->n_peers++] = sv[1];
      else
        close (sv[1]);
    }
  g_task_return_int (task, sv[0]);
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @session leaves CONNECTING or 10 s pass. */
static TerraDisplayState
wait_for_outcome (TerraDisplaySession *session)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, on_timeout, &timed_out);

  while (!timed_out && terra_display_session_get_state (session) == TERRA_DISPLAY_STATE_CONNECTING)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return terra_display_session_get_state (session);
}

static void
fake_clear (Fake *fake)
{
  for (guint i = 0; i < fake->n_peers; i++)
    close (fake->peers[i]);
  fake->n_peers = 0;
}

static void
test_provider_error (void)
{
  Fake fake = { FAKE_ERROR };
  g_autoptr(TerraDisplaySession) session = terra_display_session_new (fake_provider, &fake, NULL);

  g_assert_cmpint (terra_display_session_get_state (session), ==, TERRA_DISPLAY_STATE_DISCONNECTED);
  terra_display_session_connect (session);
  g_assert_cmpint (terra_display_session_get_state (session), ==, TERRA_DISPLAY_STATE_CONNECTING);
  g_assert_cmpint (wait_for_outcome (session), ==, TERRA_DISPLAY_STATE_FAILED);
  g_assert_cmpuint (fake.calls, >=, 1);
  g_assert_nonnull (terra_display_session_get_error (session));
  g_assert_nonnull (strstr (terra_display_session_get_error (session)->message, "no display for you"));

  /* Disconnecting keeps the reason the session failed. */
  terra_display_session_disconnect (session);
  g_assert_cmpint (terra_display_session_get_state (session), ==, TERRA_DISPLAY_STATE_FAILED);
  g_assert_nonnull (terra_display_session_get_error (session));
}

static void
test_peer_closes (void)
{
  Fake fake = { FAKE_CLOSED };
  g_autoptr(TerraDisplaySession) session = terra_display_session_new (fake_provider, &fake, NULL);

  terra_display_session_connect (session);
  g_assert_cmpint (wait_for_outcome (session), ==, TERRA_DISPLAY_STATE_FAILED);
  g_assert_nonnull (terra_display_session_get_error (session));
  g_assert_true (g_error_matches (terra_display_session_get_error (session), TERRA_ERROR, TERRA_ERROR_DISPLAY));
  /* No picture was ever there. */
  g_assert_null (terra_display_session_get_pixels (session, NULL, NULL, NULL));
}

static void
test_garbage_then_reconnect (void)
{
  Fake fake = { FAKE_GARBAGE };
  g_autoptr(TerraDisplaySession) session = terra_display_session_new (fake_provider, &fake, NULL);
  guint first_calls;

  terra_display_session_connect (session);
  g_assert_cmpint (wait_for_outcome (session), ==, TERRA_DISPLAY_STATE_FAILED);
  first_calls = fake.calls;
  fake_clear (&fake);

  /* Connecting again starts over: CONNECTING, a new socket, the error reset. */
  fake.kind = FAKE_ERROR;
  terra_display_session_connect (session);
  g_assert_cmpint (terra_display_session_get_state (session), ==, TERRA_DISPLAY_STATE_CONNECTING);
  g_assert_cmpint (wait_for_outcome (session), ==, TERRA_DISPLAY_STATE_FAILED);
  g_assert_cmpuint (fake.calls, >, first_calls);
  g_assert_nonnull (strstr (terra_display_session_get_error (session)->message, "no display for you"));
}

/* spice-client-glib warns about the broken peers these tests are made of
 * ("incomplete link header"); those warnings are expected, not fatal. */
static gboolean
spice_warnings_are_expected (const char     *log_domain,
                             GLogLevelFlags  log_level,
                             const char     *message,
                             gpointer        user_data)
{
  return g_strcmp0 (log_domain, "GSpice") != 0;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_log_set_fatal_handler (spice_warnings_are_expected, NULL);
  /* Criticals stay fatal; warnings (spice-client-glib's, above) do not. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/display-session/provider-error", test_provider_error);
  g_test_add_func ("/display-session/peer-closes", test_peer_closes);
  g_test_add_func ("/display-session/garbage-then-reconnect", test_garbage_then_reconnect);
  return g_test_run ();
}
