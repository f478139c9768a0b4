/* test-core.c — the GTK-free core against libvirt's test:///default driver
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "terra-connection.h"
#include "terra-error.h"
#include "terra-machine-store.h"
#include "terra-storage.h"

#define TEST_URI "test:///default"

static void
test_volume_base_name (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "demo", "demo" },
    { "Debian 11", "Debian_11" },
    { "<a&b> \"x\" $(y)", "a_b_x_y" },
    { "../../etc/passwd", "etc_passwd" },
    { "Ünïcødé", "n_c_d" },
    { "", "disk" },
    { "$$$", "disk" },
    { ".hidden", "hidden" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = terra_storage_volume_base_name (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static void
test_error_split (void)
{
  g_autoptr(GError) error = g_error_new (TERRA_ERROR, TERRA_ERROR_LIBVIRT, "Could not start “x”.\n\nlibvirt says no");
  g_autoptr(GError) plain = g_error_new (TERRA_ERROR, TERRA_ERROR_FAILED, "Just this");
  g_autofree char *s1 = terra_error_get_summary (error);
  g_autofree char *d1 = terra_error_get_detail (error);
  g_autofree char *s2 = terra_error_get_summary (plain);
  g_autofree char *d2 = terra_error_get_detail (plain);

  g_assert_cmpstr (s1, ==, "Could not start “x”.");
  g_assert_cmpstr (d1, ==, "libvirt says no");
  g_assert_cmpstr (s2, ==, "Just this");
  g_assert_null (d2);
}

static void
test_libvirt_error (void)
{
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = virConnectOpen (TEST_URI);
  virDomainPtr dom;

  g_assert_nonnull (conn);
  dom = virDomainLookupByName (conn, "no-such-domain");
  g_assert_null (dom);
  terra_set_error_from_libvirt (&error, "Could not find %s.", "it");
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_LIBVIRT);
  g_assert_true (g_str_has_prefix (error->message, "Could not find it.\n\n"));
  /* libvirt's own message follows the summary. */
  g_assert_nonnull (strstr (error->message, "Domain not found"));
  g_assert_null (virGetLastError ());
  virConnectClose (conn);
}

typedef struct {
  TerraConnection   *connection;
  TerraMachineStore *store;
  guint              changes;
} Fixture;

static gboolean
wait_until (gboolean (*cond) (Fixture *), Fixture *f, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (f))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
is_loaded (Fixture *f)
{
  return terra_machine_store_get_loaded (f->store);
}

static void
items_changed_cb (GListModel *model, guint pos, guint removed, guint added, Fixture *f)
{
  f->changes++;
}

static TerraMachine *
machine_named (Fixture *f, const char *name)
{
  return terra_machine_store_find (f->store, name);
}

static gboolean
test_is_paused (Fixture *f)
{
  TerraMachine *m = machine_named (f, "test");
  return m != NULL && terra_machine_get_state (m) == TERRA_MACHINE_STATE_PAUSED;
}

static gboolean
test_is_running (Fixture *f)
{
  TerraMachine *m = machine_named (f, "test");
  return m != NULL && terra_machine_get_state (m) == TERRA_MACHINE_STATE_RUNNING;
}

static gboolean
has_extra (Fixture *f)
{
  return machine_named (f, "extra <&>") != NULL;
}

static gboolean
no_extra (Fixture *f)
{
  return machine_named (f, "extra <&>") == NULL;
}

static void
test_store_follows_events (void)
{
  Fixture f = { 0 };
  virConnectPtr other;
  virDomainPtr dom;
  TerraMachine *test;
  g_autoptr(GError) error = NULL;
  gint64 t0;
  const char *xml =
    "<domain type='test'><name>extra &lt;&amp;&gt;</name><memory unit='MiB'>256</memory>"
    "<vcpu>2</vcpu><os><type>hvm</type></os></domain>";

  f.connection = terra_connection_new (TEST_URI);
  f.store = terra_machine_store_new (f.connection);
  g_signal_connect (f.store, "items-changed", G_CALLBACK (items_changed_cb), &f);
  terra_connection_open_async (f.connection, NULL, NULL, NULL);

  g_assert_true (wait_until (is_loaded, &f, 5000));
  g_assert_cmpint (terra_connection_get_state (f.connection), ==, TERRA_CONNECTION_CONNECTED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.store)), ==, 1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (f.store)) == TERRA_TYPE_MACHINE);

  test = machine_named (&f, "test");
  g_assert_nonnull (test);
  g_assert_cmpint (terra_machine_get_state (test), ==, TERRA_MACHINE_STATE_RUNNING);
  g_assert_true (terra_machine_get_can_stop (test));
  g_assert_false (terra_machine_get_can_start (test));
  g_assert_cmpuint (terra_machine_get_vcpus (test), >=, 1);
  g_assert_cmpuint (terra_machine_get_memory_mib (test), >, 0);
  g_assert_null (terra_machine_get_os_id (test));

  /* Another client (like virsh) changes state: the store follows in < 1 s. */
  other = virConnectOpen (TEST_URI);
  g_assert_nonnull (other);
  dom = virDomainLookupByName (other, "test");
  g_assert_cmpint (virDomainSuspend (dom), ==, 0);
  t0 = g_get_monotonic_time ();
  g_assert_true (wait_until (test_is_paused, &f, 1000));
  g_test_message ("suspend seen after %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  g_assert_true (wait_until (test_is_running, &f, 1000));
  virDomainFree (dom);

  /* Defined elsewhere: appears; undefined: disappears. */
  dom = virDomainDefineXML (other, xml);
  g_assert_nonnull (dom);
  g_assert_true (wait_until (has_extra, &f, 1000));
  g_assert_cmpuint (terra_machine_get_memory_mib (machine_named (&f, "extra <&>")), ==, 256);
  g_assert_cmpuint (terra_machine_get_vcpus (machine_named (&f, "extra <&>")), ==, 2);
  g_assert_cmpint (terra_machine_get_state (machine_named (&f, "extra <&>")), ==, TERRA_MACHINE_STATE_SHUTOFF);

  /* Our own action, through the worker thread. */
  g_assert_true (terra_machine_run_action_sync (machine_named (&f, "extra <&>"),
                                                TERRA_MACHINE_ACTION_START, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (terra_machine_run_action_sync (machine_named (&f, "extra <&>"),
                                                 TERRA_MACHINE_ACTION_START, NULL, &error));
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_true (terra_machine_run_action_sync (machine_named (&f, "extra <&>"),
                                                TERRA_MACHINE_ACTION_DELETE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (no_extra, &f, 1000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f.store)), ==, 1);
  g_assert_cmpuint (f.changes, >=, 3);

  virDomainFree (dom);
  virConnectClose (other);
  g_clear_object (&f.store);
  g_clear_object (&f.connection);
}

/* libvirt's URI rules (https://libvirt.org/uri.html): a display fd can only
 * come over the local socket. */
static void
test_uri_is_local (void)
{
  g_assert_true (terra_connection_uri_is_local ("qemu:///session"));
  g_assert_true (terra_connection_uri_is_local ("qemu:///system"));
  g_assert_true (terra_connection_uri_is_local ("qemu+unix:///session?socket=/run/x.sock"));
  g_assert_true (terra_connection_uri_is_local ("test:///default"));
  g_assert_false (terra_connection_uri_is_local ("qemu+ssh://user@host/session"));
  g_assert_false (terra_connection_uri_is_local ("qemu+ssh://localhost/system"));
  g_assert_false (terra_connection_uri_is_local ("qemu+tcp://10.0.0.2/system"));
  g_assert_false (terra_connection_uri_is_local ("qemu://host.example/system"));
  g_assert_false (terra_connection_uri_is_local ("not a uri"));

  {
    g_autofree char *a = terra_connection_uri_describe ("qemu:///session");
    g_autofree char *b = terra_connection_uri_describe ("qemu+ssh://ann@lab.example:2222/system?keyfile=/k&no_verify=1");
    g_assert_cmpstr (a, ==, "qemu:///session");
    g_assert_cmpstr (b, ==, "ann@lab.example (system, over SSH)");
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  terra_connection_init_libvirt ();

  g_test_add_func ("/core/storage/volume-base-name", test_volume_base_name);
  g_test_add_func ("/core/connection/uri-is-local", test_uri_is_local);
  g_test_add_func ("/core/error/split", test_error_split);
  g_test_add_func ("/core/error/libvirt", test_libvirt_error);
  g_test_add_func ("/core/store/follows-events", test_store_follows_events);

  return g_test_run ();
}
