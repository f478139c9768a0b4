/* test-domain-builder.c — domain XML from a spec, on real domain capabilities
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-os-db.h"


/* Number of nodes @expr selects in @xml (namespaces: t = ours, o = libosinfo). */
static int
xml_count (const char *xml,
           const char *expr)
{
  xmlDoc *doc = xmlReadMemory (xml, strlen (xml), "t.xml", NULL, XML_PARSE_NONET);
  xmlXPathContext *ctx;
  xmlXPathObject *obj;
  int n;

  g_assert_nonnull (doc);
  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *)"t", (const xmlChar *)TERRA_METADATA_NS);
  xmlXPathRegisterNs (ctx, (const xmlChar *)"o", (const xmlChar *)TERRA_LIBOSINFO_NS);
  obj = xmlXPathEvalExpression ((const xmlChar *)expr, ctx);
  g_assert_nonnull (obj);
  n = obj->nodesetval ? obj->nodesetval->nodeNr : 0;
  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return n;
}
#define assert_xml(xml, expr)    g_assert_cmpint (xml_count (xml, expr), >, 0)
#define assert_no_xml(xml, expr) g_assert_cmpint (xml_count (xml, expr), ==, 0)

/* Captured with `virsh domcapabilities --virttype qemu --arch x86_64
 * --machine q35` on Debian 12 (libvirt 9.0, QEMU 7.2). */
static char *
load_caps_xml (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "domcaps-qemu-q35.xml", NULL);
  char *xml = NULL;

  g_assert_true (g_file_get_contents (path, &xml, NULL, NULL));
  return xml;
}

static TerraGuestCaps *
load_caps (void)
{
  g_autofree char *xml = load_caps_xml ();
  g_autoptr(GError) error = NULL;
  TerraGuestCaps *caps = terra_guest_caps_new_from_xml (xml, &error);

  g_assert_no_error (error);
  return caps;
}

static void
test_caps_parse (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (caps->domain_type, ==, "qemu");
  g_assert_cmpstr (caps->arch, ==, "x86_64");
  g_assert_cmpstr (caps->machine, ==, "pc-q35-7.2");
  g_assert_cmpstr (caps->emulator, ==, "/usr/bin/qemu-system-x86_64");
  g_assert_true (caps->is_q35);
  g_assert_true (caps->has_spice);
  g_assert_true (caps->has_qxl);
  g_assert_cmpuint (caps->max_vcpus, ==, 288);

  g_assert_null (terra_guest_caps_new_from_xml ("<not-closed", &error));
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (terra_guest_caps_new_from_xml ("<domainCapabilities/>", &error));
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_FAILED);
}

static TerraMachineSpec *
make_spec (const char *name)
{
  TerraMachineSpec *spec = terra_machine_spec_new ();

  spec->name = g_strdup (name);
  spec->media_path = g_strdup ("/tmp/media & <stuff>/inst'all\".iso");
  spec->memory_mib = 1536;
  spec->vcpus = 2;
  spec->disk_gib = 10;
  return spec;
}

static char *
build_xml (const TerraMachineSpec *spec,
           const TerraGuestCaps   *caps,
           OsinfoOs               *os)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;

  domain = terra_domain_builder_build (spec, caps, os, "/pool/a&b.qcow2", "2026-11-25T10:00:00Z", &error);
  g_assert_no_error (error);
  g_assert_nonnull (domain);
  return gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
}

static void
test_build_escapes_and_devices (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("Tricky <name> & \"quotes\" 'too'");
  g_autofree char *xml = build_xml (spec, caps, NULL);
  g_autoptr(GVirConfigDomain) parsed = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autoptr(GError) error = NULL;

  /* It parses, and user text comes back unchanged. */
  parsed = gvir_config_domain_new_from_xml (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (gvir_config_domain_get_name (parsed), ==, spec->name);
  g_assert_cmpuint (gvir_config_domain_get_memory (parsed), ==, 1536 * 1024);
  g_assert_cmpuint (gvir_config_domain_get_vcpus (parsed), ==, 2);
  g_assert_cmpint (gvir_config_domain_get_virt_type (parsed), ==, GVIR_CONFIG_DOMAIN_VIRT_QEMU);

  /* Devices the display and the tests rely on. */
  assert_xml (xml, "/domain/devices/graphics[@type='spice']/listen[@type='none']");
  assert_no_xml (xml, "//graphics/@port | //graphics/@tlsPort | //graphics/@autoport");
  assert_xml (xml, "/domain/devices/input[@type='tablet'][@bus='usb']");
  assert_xml (xml, "/domain/devices/controller[@type='usb'][@model='qemu-xhci']");
  assert_xml (xml, "/domain/devices/channel[@type='unix']/target[@type='virtio'][@name='org.qemu.guest_agent.0']");
  assert_xml (xml, "/domain/devices/video/model[@type='qxl']");
  assert_xml (xml, "/domain/devices/channel[@type='spicevmc']/target[@name='com.redhat.spice.0']");
  assert_xml (xml, "/domain/devices/interface[@type='user']/model[@type='virtio']");
  assert_xml (xml, "/domain/os/type[@machine='pc-q35-7.2'][@arch='x86_64'][text()='hvm']");
  /* SPICE extras: USB redirection (two), WebDAV folder sharing, sound. */
  g_assert_cmpint (xml_count (xml, "/domain/devices/redirdev[@bus='usb'][@type='spicevmc']"), ==, 2);
  assert_xml (xml, "/domain/devices/channel[@type='spiceport'][source/@channel='org.spice-space.webdav.0']"
                   "/target[@type='virtio'][@name='org.spice-space.webdav.0']");
  assert_xml (xml, "/domain/devices/sound[@model='ich9']");
  /* Unknown OS: virtio disk; the CD-ROM is read-only on SATA; the disk is qcow2. */
  assert_xml (xml, "/domain/devices/disk[@device='cdrom'][readonly]/target[@bus='sata']");
  assert_xml (xml, "/domain/devices/disk[@device='disk']/driver[@type='qcow2']");
  assert_xml (xml, "/domain/devices/disk[@device='disk']/target[@bus='virtio']");
  /* Unknown OS: no libosinfo metadata. */
  assert_no_xml (xml, "/domain/metadata/o:libosinfo");
  assert_xml (xml, "/domain/metadata/t:terrarium/t:volume");

  md = terra_domain_metadata_parse (xml);
  g_assert_nonnull (md);
  g_assert_cmpstr (md->media_path, ==, spec->media_path);
  g_assert_cmpstr (md->created, ==, "2026-11-25T10:00:00Z");
  g_assert_null (md->os_short_id);
  g_assert_cmpuint (g_strv_length (md->volumes), ==, 1);
  g_assert_cmpstr (md->volumes[0], ==, "/pool/a&b.qcow2");
}

static void
test_build_follows_libosinfo (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("os");
  OsinfoOs *debian = terra_os_db_find_os ("debian11");
  OsinfoOs *windows = terra_os_db_find_os ("win10");
  g_autofree char *linux_xml = NULL;
  g_autofree char *win_xml = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;

  g_assert_nonnull (debian);
  g_assert_nonnull (windows);
  g_assert_true (debian == terra_os_db_find_os ("http://debian.org/debian/11"));

  linux_xml = build_xml (spec, caps, debian);
  assert_xml (linux_xml, "/domain/devices/disk[@device='disk']/target[@bus='virtio']");
  assert_xml (linux_xml, "/domain/metadata/o:libosinfo/o:os[@id='http://debian.org/debian/11']");
  assert_xml (linux_xml, "/domain/clock[@offset='utc']");
  md = terra_domain_metadata_parse (linux_xml);
  g_assert_cmpstr (md->os_short_id, ==, "debian11");
  g_assert_cmpstr (md->os_name, ==, "Debian 11");
  g_assert_cmpstr (md->os_id, ==, "http://debian.org/debian/11");

  /* Windows 10 has no virtio drivers in its installer: SATA and e1000e. */
  win_xml = build_xml (spec, caps, windows);
  assert_no_xml (win_xml, "//target[@bus='virtio']");
  assert_xml (win_xml, "/domain/devices/interface/model[@type='e1000e']");
  assert_xml (win_xml, "/domain/clock[@offset='localtime']");
}

/* Firmware from libosinfo's <firmware> lists: Windows 11 cannot boot with
 * BIOS, so it gets UEFI with Secure Boot and a TPM 2.0; Debian 11 gets BIOS;
 * plain UEFI turns Secure Boot off explicitly (libvirt would otherwise pick
 * Debian's Secure Boot OVMF build). */
static void
test_build_firmware (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("fw");
  OsinfoOs *win11 = terra_os_db_find_os ("win11");
  OsinfoOs *debian = terra_os_db_find_os ("debian11");
  g_autofree char *bios_xml = NULL;
  g_autofree char *uefi_xml = NULL;
  g_autofree char *win_xml = NULL;
  gboolean uefi, secure_boot, tpm;

  g_assert_nonnull (win11);
  terra_os_db_get_firmware_needs (debian, &uefi, &secure_boot, &tpm);
  g_assert_false (uefi || secure_boot || tpm);
  terra_os_db_get_firmware_needs (NULL, &uefi, &secure_boot, &tpm);
  g_assert_false (uefi || secure_boot || tpm);
  terra_os_db_get_firmware_needs (win11, &uefi, &secure_boot, &tpm);
  g_assert_true (uefi && secure_boot && tpm);

  bios_xml = build_xml (spec, caps, debian);
  assert_no_xml (bios_xml, "/domain/os[@firmware]");
  assert_no_xml (bios_xml, "//tpm");

  spec->uefi = TRUE;
  uefi_xml = build_xml (spec, caps, debian);
  assert_xml (uefi_xml, "/domain/os[@firmware='efi']/firmware/feature[@name='secure-boot'][@enabled='no']");
  assert_xml (uefi_xml, "/domain/os/firmware/feature[@name='enrolled-keys'][@enabled='no']");
  assert_no_xml (uefi_xml, "/domain/features/smm");

  spec->secure_boot = spec->tpm = TRUE;
  win_xml = build_xml (spec, caps, win11);
  assert_xml (win_xml, "/domain/os[@firmware='efi']/firmware/feature[@name='secure-boot'][@enabled='yes']");
  assert_xml (win_xml, "/domain/os/firmware/feature[@name='enrolled-keys'][@enabled='yes']");
  assert_xml (win_xml, "/domain/features/smm");
  assert_xml (win_xml, "/domain/features/acpi");
  assert_xml (win_xml, "/domain/devices/tpm[@model='tpm-crb']/backend[@type='emulator'][@version='2.0']");

  /* Secure Boot without UEFI is not a machine anyone can build. */
  spec->uefi = FALSE;
  {
    g_autoptr(GError) error = NULL;
    g_assert_false (terra_machine_spec_validate (spec, &error));
    g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_build_kvm_and_limits (void)
{
  g_autofree char *xml = load_caps_xml ();
  g_autoptr(GString) kvm_xml = g_string_new (xml);
  g_autoptr(TerraGuestCaps) caps = NULL;
  g_autoptr(TerraMachineSpec) spec = make_spec ("limits");
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_string_replace (kvm_xml, "<domain>qemu</domain>", "<domain>kvm</domain>", 1);
  caps = terra_guest_caps_new_from_xml (kvm_xml->str, &error);
  g_assert_no_error (error);
  out = build_xml (spec, caps, NULL);
  assert_xml (out, "/domain[@type='kvm']/cpu[@mode='host-passthrough']");

  spec->vcpus = 289;
  domain = terra_domain_builder_build (spec, caps, NULL, "/d.qcow2", NULL, &error);
  g_assert_null (domain);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT);
}

/* libvirt itself accepts what we build: define it on the test driver. */
static void
test_build_defines (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("defined <ok> & fine");
  g_autofree char *xml = NULL;
  g_autoptr(GString) test_xml = NULL;
  virConnectPtr conn;
  virDomainPtr dom;
  g_autofree char *dumped = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;

  /* The test driver only has the "pc" machine and no q35 SATA rules. */
  g_free (caps->machine);
  caps->machine = g_strdup ("pc");
  caps->domain_type[0] = 'q';
  xml = build_xml (spec, caps, NULL);
  test_xml = g_string_new (xml);
  g_string_replace (test_xml, "<domain type=\"qemu\"", "<domain type=\"test\"", 1);

  conn = virConnectOpen ("test:///default");
  g_assert_nonnull (conn);
  dom = virDomainDefineXML (conn, test_xml->str);
  if (dom == NULL)
    g_error ("libvirt refused the domain: %s\n%s", virGetLastErrorMessage (), test_xml->str);
  g_assert_cmpstr (virDomainGetName (dom), ==, spec->name);
  dumped = virDomainGetXMLDesc (dom, 0);
  md = terra_domain_metadata_parse (dumped);
  g_assert_nonnull (md);
  g_assert_cmpstr (md->volumes[0], ==, "/pool/a&b.qcow2");
  g_assert_cmpstr (md->media_path, ==, spec->media_path);
  g_assert_cmpint (virDomainUndefine (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (conn);
}

static void
test_build_lab_machine (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("lab-a");
  g_autofree char *xml = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GError) error = NULL;
  const char *segments[] = { "239.255.1.2:40001", "239.255.3.4:40002", NULL };

  spec->no_nat = TRUE;
  spec->lab_segments = g_strdupv ((char **)segments);
  spec->lab_name = g_strdup ("Net <101> & co");
  spec->lab_file = g_strdup ("/home/u/net.terrarium-lab.yaml");
  spec->base_image = g_strdup ("/home/u/base.qcow2");
  spec->shared_folder = g_strdup ("/home/u/lab & <share>");
  xml = build_xml (spec, caps, NULL);

  /* The shared folder: virtio-9p, mapped, with our mount tag. */
  assert_xml (xml, "/domain/devices/filesystem[@type='mount'][@accessmode='mapped']/source[@dir='/home/u/lab & <share>']");
  assert_xml (xml, "/domain/devices/filesystem/target[@dir='terrarium']");

  /* One mcast card per segment, no user-mode NAT card. */
  assert_no_xml (xml, "/domain/devices/interface[@type='user']");
  assert_xml (xml, "/domain/devices/interface[@type='mcast']/source[@address='239.255.1.2'][@port='40001']");
  assert_xml (xml, "/domain/devices/interface[@type='mcast']/source[@address='239.255.3.4'][@port='40002']");
  assert_xml (xml, "/domain/devices/interface[@type='mcast']/model[@type]");
  md = terra_domain_metadata_parse (xml);
  g_assert_nonnull (md);
  g_assert_cmpstr (md->lab_name, ==, "Net <101> & co");
  g_assert_cmpstr (md->lab_file, ==, "/home/u/net.terrarium-lab.yaml");
  g_assert_cmpstr (md->base_image, ==, "/home/u/base.qcow2");
  /* The base image is never one of the volumes delete removes. */
  g_assert_false (g_strv_contains ((const char * const *)md->volumes, "/home/u/base.qcow2"));

  /* A malformed segment is an error, not a broken domain. */
  g_strfreev (spec->lab_segments);
  spec->lab_segments = g_strsplit ("no-port", ",", -1);
  domain = terra_domain_builder_build (spec, caps, NULL, "/pool/x.qcow2", NULL, &error);
  g_assert_null (domain);
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT);
}

/* Device edits keep devices libvirt-gconfig has no class for (mcast cards). */
static void
test_device_edits_keep_lab_networks (void)
{
  g_autoptr(TerraGuestCaps) caps = load_caps ();
  g_autoptr(TerraMachineSpec) spec = make_spec ("lab-b");
  const char *segments[] = { "239.255.1.2:40001", NULL };
  g_autofree char *xml = NULL;
  g_autoptr(GError) error = NULL;
  char *edited;

  spec->lab_segments = g_strdupv ((char **)segments);
  xml = build_xml (spec, caps, NULL);
  assert_xml (xml, "/domain/devices/interface[@type='user']");

  edited = terra_domain_xml_set_video (xml, "virtio", &error);
  g_assert_no_error (error);
  assert_xml (edited, "/domain/devices/video/model[@type='virtio']");
  g_assert_cmpint (xml_count (edited, "/domain/devices/video"), ==, 1);
  g_free (xml), xml = edited;

  edited = terra_domain_xml_set_nat (xml, FALSE, &error);
  g_assert_no_error (error);
  assert_no_xml (edited, "/domain/devices/interface[@type='user']");
  g_free (xml), xml = edited;
  edited = terra_domain_xml_set_nat (xml, TRUE, &error);
  assert_xml (edited, "/domain/devices/interface[@type='user']/model[@type='virtio']");  /* its disk is virtio */
  g_free (xml), xml = edited;

  edited = terra_domain_xml_set_sound (xml, TRUE, &error);
  assert_xml (edited, "/domain/devices/sound[@model='ich9']");
  g_free (xml), xml = edited;
  edited = terra_domain_xml_set_sound (xml, FALSE, &error);
  assert_no_xml (edited, "/domain/devices/sound");
  g_free (xml), xml = edited;

  edited = terra_domain_xml_set_shared_folder (xml, "/home/u/a & b", &error);
  {
    g_autofree char *folder = terra_domain_xml_shared_folder (edited);
    g_assert_cmpstr (folder, ==, "/home/u/a & b");
  }
  g_free (xml), xml = edited;
  edited = terra_domain_xml_set_shared_folder (xml, NULL, &error);
  assert_no_xml (edited, "/domain/devices/filesystem");
  g_free (xml), xml = edited;

  edited = terra_domain_xml_forget_macs (xml, &error);
  assert_no_xml (edited, "/domain/devices/interface/mac");
  g_free (xml), xml = edited;

  /* Through every edit the lab's card stayed. */
  assert_xml (xml, "/domain/devices/interface[@type='mcast']/source[@address='239.255.1.2'][@port='40001']");
  {
    g_autoptr(GVirConfigDomain) parsed = gvir_config_domain_new_from_xml (xml, NULL);
    g_assert_nonnull (parsed);
  }

  g_assert_null (terra_domain_xml_set_video ("<not-xml", "qxl", &error));
  g_assert_error (error, TERRA_ERROR, TERRA_ERROR_FAILED);
}

static void
test_volume (void)
{
  g_autoptr(GVirConfigStorageVol) vol = terra_volume_builder_build ("x&y.qcow2", 20, NULL, NULL);
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol));

  assert_xml (xml, "/volume/name[text()='x&y.qcow2']");
  assert_xml (xml, "/volume/capacity[text()='21474836480']");
  assert_xml (xml, "/volume/target/format[@type='qcow2']");
  g_assert_null (strstr (xml, "backingStore"));
}

static void
test_volume_overlay (void)
{
  g_autoptr(GVirConfigStorageVol) vol = terra_volume_builder_build ("lab-a.qcow2", 2, "/srv/labs/base <1>.img", "raw");
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (vol));

  assert_xml (xml, "/volume/backingStore/path[text()='/srv/labs/base <1>.img']");
  assert_xml (xml, "/volume/backingStore/format[@type='raw']");
  assert_xml (xml, "/volume/target/format[@type='qcow2']");
}

static void
test_metadata_foreign (void)
{
  g_assert_null (terra_domain_metadata_parse ("<domain type='kvm'><name>x</name></domain>"));
  g_assert_null (terra_domain_metadata_parse ("not xml"));
  g_assert_null (terra_domain_metadata_parse (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gvir_config_init (&argc, &argv);

  g_test_add_func ("/domain-builder/caps", test_caps_parse);
  g_test_add_func ("/domain-builder/escapes-and-devices", test_build_escapes_and_devices);
  g_test_add_func ("/domain-builder/libosinfo", test_build_follows_libosinfo);
  g_test_add_func ("/domain-builder/kvm-and-limits", test_build_kvm_and_limits);
  g_test_add_func ("/domain-builder/firmware", test_build_firmware);
  g_test_add_func ("/domain-builder/defines", test_build_defines);
  g_test_add_func ("/domain-builder/volume", test_volume);
  g_test_add_func ("/domain-builder/volume-overlay", test_volume_overlay);
  g_test_add_func ("/domain-builder/lab-machine", test_build_lab_machine);
  g_test_add_func ("/domain-builder/device-edits", test_device_edits_keep_lab_networks);
  g_test_add_func ("/domain-builder/metadata-foreign", test_metadata_foreign);
  return g_test_run ();
}
