/* terra-domain-builder.c — domain and volume XML, built with libvirt-gconfig
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-domain-builder"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "terra-domain-builder.h"
#include "terra-error.h"
#include "terra-os-db.h"

/*
 * Everything a user typed (name, paths) reaches the XML through
 * libvirt-gconfig setters or libxml2 node APIs, which escape it. The only
 * literal XML here is constant (no user data in it).
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
/* libvirt-gconfig 4.0 declares no autoptr for these. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainFilesys, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigDomainChardevSourceUnix, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GVirConfigStorageVolBackingStore, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

static xmlDoc *
parse_xml (const char *xml)
{
  if (xml == NULL)
    return NULL;
  return xmlReadMemory (xml, strlen (xml), "terrarium.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

/* The string value of an XPath expression, or NULL when it is empty. */
static char *
xpath_string (xmlXPathContext *ctx,
              const char      *expr)
{
  g_autoptr(xmlXPathObject) obj = NULL;
  g_autofree char *wrapped = g_strdup_printf ("string(%s)", expr);
  char *result = NULL;

  obj = xmlXPathEvalExpression ((const xmlChar *)wrapped, ctx);
  if (obj != NULL && obj->type == XPATH_STRING && obj->stringval != NULL && obj->stringval[0] != '\0')
    result = g_strdup ((const char *)obj->stringval);
  return result;
}

static gboolean
xpath_exists (xmlXPathContext *ctx,
              const char      *expr)
{
  g_autoptr(xmlXPathObject) obj = xmlXPathEvalExpression ((const xmlChar *)expr, ctx);

  return obj != NULL && obj->type == XPATH_NODESET && obj->nodesetval != NULL && obj->nodesetval->nodeNr > 0;
}

/**
 * terra_guest_caps_new_from_xml:
 * @domcaps_xml: the output of virConnectGetDomainCapabilities() (libvirt's
 *   "domain capabilities" format, https://libvirt.org/formatdomaincaps.html)
 * @error: %TERRA_ERROR_FAILED when the XML cannot be parsed or lacks a domain type
 *
 * Reads what the builder needs from domain capabilities: virt type
 * ("kvm"/"qemu"), emulator, canonical machine type, the maximum vCPUs and
 * which graphics, video models and devices exist.
 *
 * Returns: (transfer full) (nullable): the capabilities; free with terra_guest_caps_free()
 */
TerraGuestCaps *
terra_guest_caps_new_from_xml (const char  *domcaps_xml,
                               GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_xml (domcaps_xml);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(TerraGuestCaps) caps = NULL;
  g_autofree char *max = NULL;

  if (doc == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("The hypervisor’s capabilities could not be read.\n\nThe domain capabilities XML is not valid."));
      return NULL;
    }
  ctx = xmlXPathNewContext (doc);

  caps = g_new0 (TerraGuestCaps, 1);
  caps->domain_type = xpath_string (ctx, "/domainCapabilities/domain");
  caps->arch = xpath_string (ctx, "/domainCapabilities/arch");
  caps->emulator = xpath_string (ctx, "/domainCapabilities/path");
  caps->machine = xpath_string (ctx, "/domainCapabilities/machine");
  if (caps->domain_type == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("The hypervisor’s capabilities could not be read.\n\nThey name no domain type."));
      return NULL;
    }
  if (caps->arch == NULL)
    caps->arch = g_strdup ("x86_64");
  caps->is_q35 = caps->machine != NULL && strstr (caps->machine, "q35") != NULL;
  caps->has_spice = xpath_exists (ctx, "/domainCapabilities/devices/graphics[@supported='yes']"
                                       "/enum[@name='type']/value[text()='spice']");
  caps->has_qxl = xpath_exists (ctx, "/domainCapabilities/devices/video[@supported='yes']"
                                     "/enum[@name='modelType']/value[text()='qxl']");
  caps->has_virtio_video = xpath_exists (ctx, "/domainCapabilities/devices/video[@supported='yes']"
                                              "/enum[@name='modelType']/value[text()='virtio']");
  /* libvirt 9.0 domain capabilities do not list input devices; every
   * x86_64 QEMU machine has USB and usb-tablet. */
  caps->has_usb_tablet = g_strcmp0 (caps->arch, "x86_64") == 0 || g_strcmp0 (caps->arch, "i686") == 0;
  max = xpath_string (ctx, "/domainCapabilities/vcpu/@max");
  caps->max_vcpus = max != NULL ? (guint)g_ascii_strtoull (max, NULL, 10) : 0;

  return g_steal_pointer (&caps);
}

/**
 * terra_guest_caps_free:
 * @caps: (nullable): capabilities
 */
void
terra_guest_caps_free (TerraGuestCaps *caps)
{
  if (caps == NULL)
    return;
  g_free (caps->domain_type);
  g_free (caps->arch);
  g_free (caps->emulator);
  g_free (caps->machine);
  g_free (caps);
}

/**
 * terra_domain_metadata_parse:
 * @domain_xml: a domain's XML (virDomainGetXMLDesc())
 *
 * Reads our `<terrarium:terrarium>` metadata (and, as a fallback for the OS,
 * libosinfo's `<libosinfo:os id=…>` that virt-manager and GNOME Boxes also
 * write).
 *
 * Returns: (transfer full) (nullable): the metadata, or %NULL when the domain
 *   has none of ours and no libosinfo OS (a domain Terrarium did not create)
 */
TerraDomainMetadata *
terra_domain_metadata_parse (const char *domain_xml)
{
  g_autoptr(xmlDoc) doc = parse_xml (domain_xml);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) vols = NULL;
  g_autoptr(TerraDomainMetadata) md = NULL;
  g_autoptr(GPtrArray) volumes = g_ptr_array_new_with_free_func (g_free);
  gboolean ours;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *)"t", (const xmlChar *)TERRA_METADATA_NS);
  xmlXPathRegisterNs (ctx, (const xmlChar *)"o", (const xmlChar *)TERRA_LIBOSINFO_NS);

  ours = xpath_exists (ctx, "/domain/metadata/t:terrarium");
  md = g_new0 (TerraDomainMetadata, 1);
  md->os_id = xpath_string (ctx, "/domain/metadata/o:libosinfo/o:os/@id");
  if (!ours && md->os_id == NULL)
    return NULL;

  md->os_short_id = xpath_string (ctx, "/domain/metadata/t:terrarium/t:os-short-id");
  md->os_name = xpath_string (ctx, "/domain/metadata/t:terrarium/t:os-name");
  md->media_path = xpath_string (ctx, "/domain/metadata/t:terrarium/t:media");
  md->created = xpath_string (ctx, "/domain/metadata/t:terrarium/t:created");
  md->base_image = xpath_string (ctx, "/domain/metadata/t:terrarium/t:base-image");
  md->lab_name = xpath_string (ctx, "/domain/metadata/t:terrarium/t:lab");
  md->lab_file = xpath_string (ctx, "/domain/metadata/t:terrarium/t:lab-file");
  md->install = xpath_string (ctx, "/domain/metadata/t:terrarium/t:install");
  md->express_dir = xpath_string (ctx, "/domain/metadata/t:terrarium/t:express-dir");
  md->script_disc = xpath_string (ctx, "/domain/metadata/t:terrarium/t:script-disc");

  vols = xmlXPathEvalExpression ((const xmlChar *)"/domain/metadata/t:terrarium/t:volume", ctx);
  if (vols != NULL && vols->nodesetval != NULL)
    for (int i = 0; i < vols->nodesetval->nodeNr; i++)
      {
        xmlChar *text = xmlNodeGetContent (vols->nodesetval->nodeTab[i]);
        if (text != NULL && text[0] != '\0')
          g_ptr_array_add (volumes, g_strdup ((const char *)text));
        xmlFree (text);
      }
  g_ptr_array_add (volumes, NULL);
  md->volumes = (char **)g_ptr_array_free (g_steal_pointer (&volumes), FALSE);

  return g_steal_pointer (&md);
}

/**
 * terra_domain_metadata_free:
 * @md: (nullable): metadata
 */
void
terra_domain_metadata_free (TerraDomainMetadata *md)
{
  if (md == NULL)
    return;
  g_free (md->os_id);
  g_free (md->os_short_id);
  g_free (md->os_name);
  g_free (md->media_path);
  g_free (md->created);
  g_free (md->base_image);
  g_free (md->lab_name);
  g_free (md->lab_file);
  g_free (md->install);
  g_free (md->express_dir);
  g_free (md->script_disc);
  g_strfreev (md->volumes);
  g_free (md);
}

/* Serialises one element tree built with libxml2's node API (which escapes
 * text and attribute values) for gvir_config_domain_set_custom_xml(). */
static char *
node_to_string (xmlNode *node)
{
  g_autoptr(xmlDoc) doc = xmlNewDoc ((const xmlChar *)"1.0");
  xmlBuffer *buf = xmlBufferCreate ();
  char *result;

  xmlDocSetRootElement (doc, node);
  xmlNodeDump (buf, doc, node, 0, 0);
  result = g_strdup ((const char *)xmlBufferContent (buf));
  xmlBufferFree (buf);
  return result;
}

static void
add_text_child (xmlNode    *parent,
                const char *name,
                const char *value)
{
  if (value != NULL)
    xmlNewTextChild (parent, parent->ns, (const xmlChar *)name, (const xmlChar *)value);
}

/* An element in @ns_uri, so that its children are in it too. */
static xmlNode *
new_ns_root (const char *name,
             const char *ns_uri,
             const char *prefix)
{
  xmlNode *root = xmlNewNode (NULL, (const xmlChar *)name);

  xmlSetNs (root, xmlNewNs (root, (const xmlChar *)ns_uri, (const xmlChar *)prefix));
  return root;
}

static gboolean
set_metadata (GVirConfigDomain        *domain,
              const TerraMachineSpec  *spec,
              OsinfoOs                *os,
              const char              *disk_path,
              const char              *created,
              GError                 **error)
{
  g_autofree char *ours = NULL;
  xmlNode *root;

  root = new_ns_root ("terrarium", TERRA_METADATA_NS, TERRA_METADATA_PREFIX);
  add_text_child (root, "os-short-id", os ? osinfo_product_get_short_id (OSINFO_PRODUCT (os)) : spec->os_short_id);
  /* The spec's name first: a guessed newer release ("Debian 12") keeps its
   * own name while the nearest known OS gives the devices. */
  add_text_child (root, "os-name", spec->os_name ? spec->os_name : os ? osinfo_product_get_name (OSINFO_PRODUCT (os)) : NULL);
  add_text_child (root, "media", spec->media_path);
  add_text_child (root, "created", created);
  add_text_child (root, "volume", disk_path);
  add_text_child (root, "base-image", spec->base_image);
  add_text_child (root, "lab", spec->lab_name);
  add_text_child (root, "lab-file", spec->lab_file);
  if (spec->express_setup != NULL)
    {
      add_text_child (root, "install", "express");
      add_text_child (root, "express-dir", spec->express_setup->directory);
      add_text_child (root, "script-disc", spec->express_setup->script_disc);
    }
  ours = node_to_string (root);
  if (!gvir_config_domain_set_custom_xml (domain, ours, TERRA_METADATA_PREFIX, TERRA_METADATA_NS, error))
    return FALSE;

  if (os != NULL)
    {
      g_autofree char *osinfo_xml = NULL;
      xmlNode *os_node;

      root = new_ns_root ("libosinfo", TERRA_LIBOSINFO_NS, TERRA_LIBOSINFO_PREFIX);
      os_node = xmlNewChild (root, root->ns, (const xmlChar *)"os", NULL);
      xmlNewProp (os_node, (const xmlChar *)"id",
                  (const xmlChar *)osinfo_entity_get_id (OSINFO_ENTITY (os)));
      osinfo_xml = node_to_string (root);
      if (!gvir_config_domain_set_custom_xml (domain, osinfo_xml, TERRA_LIBOSINFO_PREFIX,
                                              TERRA_LIBOSINFO_NS, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_windows (OsinfoOs               *os,
            const TerraMachineSpec *spec)
{
  if (os != NULL)
    return g_strcmp0 (osinfo_os_get_family (os), "winnt") == 0 ||
           g_strcmp0 (osinfo_os_get_distro (os), "win") == 0;
  return spec->os_short_id != NULL && g_str_has_prefix (spec->os_short_id, "win");
}

/* virtio when libosinfo says the OS has the driver; for media libosinfo
 * does not know, virtio unless it looks like Windows (new Linux and BSD
 * releases all have virtio drivers; Windows installers do not). */
static gboolean
use_virtio (OsinfoOs               *os,
            const TerraMachineSpec *spec,
            const char             *virtio_name,
            const char             *legacy_name)
{
  if (os == NULL)
    return !is_windows (NULL, spec);
  return terra_os_db_supports_device (os, virtio_name) || terra_os_db_supports_device (os, legacy_name);
}

/**
 * terra_domain_builder_uses_virtio_disk:
 * @spec: the choices
 * @os: (nullable): the guest OS from libosinfo
 *
 * Returns: whether terra_domain_builder_build() puts the disk on virtio
 *   (the guest sees /dev/vda) rather than SATA (/dev/sda)
 */
gboolean
terra_domain_builder_uses_virtio_disk (const TerraMachineSpec *spec,
                                       OsinfoOs               *os)
{
  return use_virtio (os, spec, "virtio1.0-block", "virtio-block");
}

static void
add_disk (GVirConfigDomain *domain,
          const char       *path,
          gboolean          virtio)
{
  g_autoptr(GVirConfigDomainDisk) disk = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  gvir_config_domain_disk_set_type (disk, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (disk, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_DISK);
  gvir_config_domain_disk_set_source (disk, path);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_QCOW2);
  gvir_config_domain_disk_driver_set_discard (driver, GVIR_CONFIG_DOMAIN_DISK_DRIVER_DISCARD_UNMAP);
  gvir_config_domain_disk_set_driver (disk, driver);
  gvir_config_domain_disk_set_target_bus (disk, virtio ? GVIR_CONFIG_DOMAIN_DISK_BUS_VIRTIO
                                                       : GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  gvir_config_domain_disk_set_target_dev (disk, virtio ? "vda" : "sda");
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (disk));
}

static void
add_cdrom (GVirConfigDomain *domain,
           const char       *path,
           const char       *dev)
{
  g_autoptr(GVirConfigDomainDisk) cdrom = gvir_config_domain_disk_new ();
  g_autoptr(GVirConfigDomainDiskDriver) driver = gvir_config_domain_disk_driver_new ();

  gvir_config_domain_disk_set_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_FILE);
  gvir_config_domain_disk_set_guest_device_type (cdrom, GVIR_CONFIG_DOMAIN_DISK_GUEST_DEVICE_CDROM);
  gvir_config_domain_disk_set_source (cdrom, path);
  gvir_config_domain_disk_driver_set_name (driver, "qemu");
  gvir_config_domain_disk_driver_set_format (driver, GVIR_CONFIG_DOMAIN_DISK_FORMAT_RAW);
  gvir_config_domain_disk_set_driver (cdrom, driver);
  /* q35 has no IDE bus: SATA, as virt-manager and Boxes do. */
  gvir_config_domain_disk_set_target_bus (cdrom, GVIR_CONFIG_DOMAIN_DISK_BUS_SATA);
  gvir_config_domain_disk_set_target_dev (cdrom, dev);
  gvir_config_domain_disk_set_readonly (cdrom, TRUE);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (cdrom));
}

/* SPICE with <listen type='none'/>: QEMU listens on no port at all and the
 * client gets its sockets from virDomainOpenGraphicsFD(). libvirt-gconfig has
 * no setter for the listen type, so this constant (no user data) is parsed. */
static const char spice_graphics_xml[] =
  "<graphics type='spice'><listen type='none'/><image compression='off'/></graphics>";

/* What libvirt-gconfig 4.0 has no classes for, added with libxml2's tree
 * API (which escapes) before the domain is parsed again. Consumes @domain.
 * - Lab network cards: QEMU's multicast UDP socket network (libvirt
 *   `<interface type='mcast'>`, no root needed), one per "GROUP:PORT"
 *   segment (its interface classes check the type attribute).
 * - UEFI firmware features: `<os><firmware><feature name='secure-boot'/>`
 *   and `…'enrolled-keys'` enabled make libvirt pick OVMF's Secure Boot
 *   build with Microsoft's keys enrolled (Debian's ovmf ships
 *   OVMF_CODE_4M.ms.fd and its descriptor), which needs `<features><smm/>`
 *   (libvirt formatdomain, "BIOS bootloader"). Plain UEFI says both are
 *   disabled: left unsaid, libvirt 9.0 picks the highest-priority
 *   descriptor, which on Debian is the Secure Boot one, and unsigned boot
 *   loaders (GRUB from grub-mkrescue) are then refused ("Access Denied").
 * - TPM 2.0: `<tpm model='tpm-crb'><backend type='emulator' version='2.0'/>`,
 *   swtpm run by libvirt as the user (libvirt formatdomain, "TPM device").
 * - The guest agent channel's socket path (`<source mode='bind' path=…/>`),
 *   which libvirt-gconfig's unix source cannot set. */
static char *doc_to_string (xmlDoc *doc);

static xmlNode *
child_element (xmlNode    *parent,
               const char *name)
{
  for (xmlNode *n = parent->children; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrEqual (n->name, (const xmlChar *)name))
      return n;
  return xmlNewChild (parent, NULL, (const xmlChar *)name, NULL);
}

static GVirConfigDomain *
add_xml_extras (GVirConfigDomain       *domain,
                const TerraMachineSpec *spec,
                const char             *model,
                GError                **error)
{
  const char * const empty[] = { NULL };
  const char * const *segments = spec->lab_segments ? (const char * const *)spec->lab_segments : empty;
  g_autofree char *xml = gvir_config_object_to_xml (GVIR_CONFIG_OBJECT (domain));
  g_autoptr(xmlDoc) doc = parse_xml (xml);
  g_autofree char *edited = NULL;
  xmlNode *devices = NULL;

  g_object_unref (domain);
  if (doc != NULL)
    for (xmlNode *n = xmlDocGetRootElement (doc)->children; n != NULL; n = n->next)
      if (n->type == XML_ELEMENT_NODE && xmlStrEqual (n->name, (const xmlChar *)"devices"))
        devices = n;
  if (devices == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, _("The machine’s configuration could not be read."));
      return NULL;
    }

  for (guint i = 0; segments[i] != NULL; i++)
    {
      g_autofree char *group = g_strdup (segments[i]);
      char *colon = strrchr (group, ':');
      xmlNode *nic, *node;
      guint64 port = 0;


      if (colon == NULL || colon == group ||
          !g_ascii_string_to_unsigned (colon + 1, 10, 1024, 65535, &port, NULL))
        {
          g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                       _("A lab network must be given as GROUP:PORT (port 1024–65535), not “%s”."), segments[i]);
          return NULL;
        }
      *colon = '\0';
      nic = xmlNewChild (devices, NULL, (const xmlChar *)"interface", NULL);
      xmlNewProp (nic, (const xmlChar *)"type", (const xmlChar *)"mcast");
      node = xmlNewChild (nic, NULL, (const xmlChar *)"source", NULL);
      xmlNewProp (node, (const xmlChar *)"address", (const xmlChar *)group);
      xmlNewProp (node, (const xmlChar *)"port", (const xmlChar *)(colon + 1));
      node = xmlNewChild (nic, NULL, (const xmlChar *)"model", NULL);
      xmlNewProp (node, (const xmlChar *)"type", (const xmlChar *)model);
    }

  if (spec->uefi)
    {
      xmlNode *root = xmlDocGetRootElement (doc);
      xmlNode *firmware = child_element (child_element (root, "os"), "firmware");
      static const char * const names[] = { "secure-boot", "enrolled-keys" };
      const char *enabled = spec->secure_boot ? "yes" : "no";

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          xmlNode *feature = xmlNewChild (firmware, NULL, (const xmlChar *)"feature", NULL);
          xmlNewProp (feature, (const xmlChar *)"enabled", (const xmlChar *)enabled);
          xmlNewProp (feature, (const xmlChar *)"name", (const xmlChar *)names[i]);
        }
      if (spec->secure_boot)
        child_element (child_element (root, "features"), "smm");
    }
  if (spec->agent_socket != NULL)
    for (xmlNode *n = devices->children; n != NULL; n = n->next)
      {
        xmlNode *target = NULL;
        xmlChar *name = NULL;

        if (n->type != XML_ELEMENT_NODE || !xmlStrEqual (n->name, (const xmlChar *)"channel"))
          continue;
        for (xmlNode *c = n->children; c != NULL; c = c->next)
          if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *)"target"))
            target = c;
        name = target ? xmlGetProp (target, (const xmlChar *)"name") : NULL;
        if (name != NULL && xmlStrEqual (name, (const xmlChar *)"org.qemu.guest_agent.0"))
          {
            xmlNode *source = child_element (n, "source");
            xmlSetProp (source, (const xmlChar *)"mode", (const xmlChar *)"bind");
            xmlSetProp (source, (const xmlChar *)"path", (const xmlChar *)spec->agent_socket);
          }
        xmlFree (name);
      }
  if (spec->tpm)
    {
      xmlNode *tpm = xmlNewChild (devices, NULL, (const xmlChar *)"tpm", NULL);
      xmlNode *backend = xmlNewChild (tpm, NULL, (const xmlChar *)"backend", NULL);
      xmlNewProp (tpm, (const xmlChar *)"model", (const xmlChar *)"tpm-crb");
      xmlNewProp (backend, (const xmlChar *)"type", (const xmlChar *)"emulator");
      xmlNewProp (backend, (const xmlChar *)"version", (const xmlChar *)"2.0");
    }
  edited = doc_to_string (doc);
  return gvir_config_domain_new_from_xml (edited, error);
}

/**
 * terra_domain_builder_build:
 * @spec: validated choices (name, memory in MiB, vCPUs, media)
 * @caps: the host's domain capabilities for the virt type to use
 * @os: (nullable): the guest OS from libosinfo, for device models
 * @disk_path: the qcow2 volume's path
 * @created_iso8601: (nullable): creation time for our metadata
 * @error: %TERRA_ERROR_INVALID_ARGUMENT when @spec asks for more vCPUs than
 *   the machine type allows; %TERRA_ERROR_FAILED when libvirt-gconfig
 *   rejects metadata
 *
 * Builds a domain the way virt-manager and GNOME Boxes do for a desktop
 * guest: q35 (from @caps), ACPI/APIC, host-passthrough CPU under KVM, the
 * disk on virtio or SATA and the NIC virtio or e1000e as libosinfo says the
 * OS supports, the media as a read-only SATA CD-ROM, user-mode networking
 * (no root needed; left out with @spec's no_nat), a multicast socket network
 * card per lab segment (`<interface type='mcast'>`), a virtio-9p shared
 * folder when @spec has one (mount tag TERRA_SHARED_FOLDER_TAG), QXL video, SPICE that listens on nothing, a qemu-xhci USB
 * controller with a USB tablet (absolute pointer) and two SPICE USB
 * redirection devices, the spice-vdagent, SPICE WebDAV and
 * qemu-guest-agent channels, ICH9 sound (SPICE audio) when the OS has a
 * driver, a serial console, virtio balloon and RNG; plus libosinfo's and
 * our own metadata (OS, media, created, volumes Terrarium owns).
 *
 * Returns: (transfer full) (nullable): the domain configuration
 */
GVirConfigDomain *
terra_domain_builder_build (const TerraMachineSpec  *spec,
                            const TerraGuestCaps    *caps,
                            OsinfoOs                *os,
                            const char              *disk_path,
                            const char              *created_iso8601,
                            GError                 **error)
{
  g_autoptr(GVirConfigDomain) domain = NULL;
  g_autoptr(GVirConfigDomainOs) dom_os = NULL;
  g_autoptr(GVirConfigDomainClock) clock = NULL;
  g_autoptr(GVirConfigDomainTimerRtc) rtc = NULL;
  g_autoptr(GVirConfigDomainTimerPit) pit = NULL;
  g_autoptr(GVirConfigDomainTimerHpet) hpet = NULL;
  g_autoptr(GVirConfigDomainPowerManagement) pm = NULL;
  g_autoptr(GVirConfigDomainInterfaceUser) nic = NULL;
  g_autoptr(GVirConfigDomainGraphicsSpice) spice = NULL;
  g_autoptr(GVirConfigDomainVideo) video = NULL;
  g_autoptr(GVirConfigDomainControllerUsb) usb = NULL;
  g_autoptr(GVirConfigDomainInput) tablet = NULL;
  g_autoptr(GVirConfigDomainChannel) agent = NULL;
  g_autoptr(GVirConfigDomainChardevSourceSpiceVmc) vmc = NULL;
  g_autoptr(GVirConfigDomainChannel) ga = NULL;
  g_autoptr(GVirConfigDomainChardevSourceUnix) ga_source = NULL;
  g_autoptr(GVirConfigDomainChannel) webdav = NULL;
  g_autoptr(GVirConfigDomainChardevSourceSpicePort) webdav_source = NULL;
  g_autoptr(GVirConfigDomainSerial) serial = NULL;
  g_autoptr(GVirConfigDomainChardevSourcePty) pty = NULL;
  g_autoptr(GVirConfigDomainMemballoon) balloon = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *boot = NULL;
  gboolean kvm, windows, virtio_disk, virtio_net;
  char *features[] = { (char *)"acpi", (char *)"apic", NULL };

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (caps != NULL, NULL);
  g_return_val_if_fail (disk_path != NULL, NULL);

  if (caps->max_vcpus > 0 && spec->vcpus > caps->max_vcpus)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_ARGUMENT,
                   _("This machine type allows at most %u vCPUs, not %u."), caps->max_vcpus, spec->vcpus);
      return NULL;
    }

  kvm = g_strcmp0 (caps->domain_type, "kvm") == 0;
  windows = is_windows (os, spec);
  virtio_disk = use_virtio (os, spec, "virtio1.0-block", "virtio-block");
  virtio_net = use_virtio (os, spec, "virtio1.0-net", "virtio-net");

  domain = gvir_config_domain_new ();
  gvir_config_domain_set_virt_type (domain, kvm ? GVIR_CONFIG_DOMAIN_VIRT_KVM : GVIR_CONFIG_DOMAIN_VIRT_QEMU);
  gvir_config_domain_set_name (domain, spec->name);
  gvir_config_domain_set_memory (domain, spec->memory_mib * 1024);          /* KiB */
  gvir_config_domain_set_current_memory (domain, spec->memory_mib * 1024);  /* KiB */
  gvir_config_domain_set_vcpus (domain, spec->vcpus);
  gvir_config_domain_set_features (domain, (const GStrv)features);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_POWEROFF,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_REBOOT,
                                    spec->express_setup != NULL && spec->express_setup->kernel != NULL
                                    ? GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY
                                    : GVIR_CONFIG_DOMAIN_LIFECYCLE_RESTART);
  gvir_config_domain_set_lifecycle (domain, GVIR_CONFIG_DOMAIN_LIFECYCLE_ON_CRASH,
                                    GVIR_CONFIG_DOMAIN_LIFECYCLE_DESTROY);

  if (kvm)
    {
      g_autoptr(GVirConfigDomainCpu) cpu = gvir_config_domain_cpu_new ();
      gvir_config_domain_cpu_set_mode (cpu, GVIR_CONFIG_DOMAIN_CPU_MODE_HOST_PASSTHROUGH);
      gvir_config_domain_set_cpu (domain, cpu);
    }

  dom_os = gvir_config_domain_os_new ();
  gvir_config_domain_os_set_os_type (dom_os, GVIR_CONFIG_DOMAIN_OS_TYPE_HVM);
  gvir_config_domain_os_set_arch (dom_os, caps->arch);
  if (caps->machine != NULL)
    gvir_config_domain_os_set_machine (dom_os, caps->machine);
  /* Disk first: a blank disk falls through to the installer within a second,
   * and after installation the guest boots its disk, not the installer again. */
  boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_HD));
  boot = g_list_append (boot, GINT_TO_POINTER (GVIR_CONFIG_DOMAIN_OS_BOOT_DEVICE_CDROM));
  gvir_config_domain_os_set_boot_devices (dom_os, boot);
  /* UEFI: libvirt picks an OVMF build from the firmware descriptors
   * (Debian's ovmf) that fits the machine type. */
  if (spec->uefi)
    gvir_config_domain_os_set_firmware (dom_os, GVIR_CONFIG_DOMAIN_OS_FIRMWARE_EFI);
  /* An express install boots the installer's kernel with the script in its
   * initrd or named on its command line; the first reboot ends that stage
   * (on_reboot destroy below), and the app then boots the disk. */
  if (spec->express_setup != NULL && spec->express_setup->kernel != NULL)
    {
      gvir_config_domain_os_set_kernel (dom_os, spec->express_setup->kernel);
      gvir_config_domain_os_set_ramdisk (dom_os, spec->express_setup->initrd);
      if (spec->express_setup->cmdline != NULL)
        gvir_config_domain_os_set_cmdline (dom_os, spec->express_setup->cmdline);
    }
  g_list_free (boot);
  gvir_config_domain_set_os (domain, dom_os);

  /* Windows keeps the RTC in local time; everything else in UTC. Timer
   * policy as virt-manager and libosinfo recommend for x86 guests. */
  clock = gvir_config_domain_clock_new ();
  gvir_config_domain_clock_set_offset (clock, windows ? GVIR_CONFIG_DOMAIN_CLOCK_LOCALTIME
                                                      : GVIR_CONFIG_DOMAIN_CLOCK_UTC);
  rtc = gvir_config_domain_timer_rtc_new ();
  gvir_config_domain_timer_set_tick_policy (GVIR_CONFIG_DOMAIN_TIMER (rtc), GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_CATCHUP);
  gvir_config_domain_clock_add_timer (clock, GVIR_CONFIG_DOMAIN_TIMER (rtc));
  pit = gvir_config_domain_timer_pit_new ();
  gvir_config_domain_timer_set_tick_policy (GVIR_CONFIG_DOMAIN_TIMER (pit), GVIR_CONFIG_DOMAIN_TIMER_TICK_POLICY_DELAY);
  gvir_config_domain_clock_add_timer (clock, GVIR_CONFIG_DOMAIN_TIMER (pit));
  hpet = gvir_config_domain_timer_hpet_new ();
  gvir_config_domain_timer_set_present (GVIR_CONFIG_DOMAIN_TIMER (hpet), FALSE);
  gvir_config_domain_clock_add_timer (clock, GVIR_CONFIG_DOMAIN_TIMER (hpet));
  gvir_config_domain_set_clock (domain, clock);

  pm = gvir_config_domain_power_management_new ();
  gvir_config_domain_power_management_set_mem_suspend_enabled (pm, FALSE);
  gvir_config_domain_power_management_set_disk_suspend_enabled (pm, FALSE);
  gvir_config_domain_set_power_management (domain, pm);

  add_disk (domain, disk_path, virtio_disk);
  if (spec->media_path != NULL)
    add_cdrom (domain, spec->media_path, virtio_disk ? "sda" : "sdb");
  if (spec->express_setup != NULL && spec->express_setup->script_disc != NULL)
    add_cdrom (domain, spec->express_setup->script_disc, virtio_disk ? "sdb" : "sdc");

  if (!spec->no_nat)
    {
      nic = gvir_config_domain_interface_user_new ();
      gvir_config_domain_interface_set_model (GVIR_CONFIG_DOMAIN_INTERFACE (nic), virtio_net ? "virtio" : "e1000e");
      gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (nic));
    }

  if (spec->shared_folder != NULL)
    {
      /* virtio-9p works in an unprivileged session (virtiofs needs libvirt
       * 10 there); "mapped": the guest's file owners and modes are kept in
       * extended attributes, the host files stay the user's. */
      g_autoptr(GVirConfigDomainFilesys) fs = gvir_config_domain_filesys_new ();
      gvir_config_domain_filesys_set_type (fs, GVIR_CONFIG_DOMAIN_FILESYS_MOUNT);
      gvir_config_domain_filesys_set_access_type (fs, GVIR_CONFIG_DOMAIN_FILESYS_ACCESS_MAPPED);
      gvir_config_domain_filesys_set_source (fs, spec->shared_folder);
      gvir_config_domain_filesys_set_target (fs, TERRA_SHARED_FOLDER_TAG);
      gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (fs));
    }

  spice = gvir_config_domain_graphics_spice_new_from_xml (spice_graphics_xml, &local_error);
  if (spice == NULL)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("The display configuration could not be built.\n\n%s"), local_error->message);
      return NULL;
    }
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (spice));

  video = gvir_config_domain_video_new ();
  gvir_config_domain_video_set_model (video, caps->has_qxl || !caps->has_virtio_video
                                             ? GVIR_CONFIG_DOMAIN_VIDEO_MODEL_QXL
                                             : GVIR_CONFIG_DOMAIN_VIDEO_MODEL_VIRTIO);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (video));

  usb = gvir_config_domain_controller_usb_new ();
  gvir_config_domain_controller_usb_set_model (usb, GVIR_CONFIG_DOMAIN_CONTROLLER_USB_MODEL_QEMU_XHCI);
  gvir_config_domain_controller_set_index (GVIR_CONFIG_DOMAIN_CONTROLLER (usb), 0);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (usb));

  tablet = gvir_config_domain_input_new ();
  gvir_config_domain_input_set_device_type (tablet, GVIR_CONFIG_DOMAIN_INPUT_DEVICE_TABLET);
  gvir_config_domain_input_set_bus (tablet, GVIR_CONFIG_DOMAIN_INPUT_BUS_USB);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (tablet));

  agent = gvir_config_domain_channel_new ();
  gvir_config_domain_channel_set_target_type (agent, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
  gvir_config_domain_channel_set_target_name (agent, "com.redhat.spice.0");
  vmc = gvir_config_domain_chardev_source_spicevmc_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (agent), GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (vmc));
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (agent));

  /* qemu-guest-agent's channel (libvirt picks the socket path): the guest's
   * IP addresses for `lab status`, when the guest runs the agent. */
  ga = gvir_config_domain_channel_new ();
  gvir_config_domain_channel_set_target_type (ga, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
  gvir_config_domain_channel_set_target_name (ga, "org.qemu.guest_agent.0");
  ga_source = gvir_config_domain_chardev_source_unix_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (ga), GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (ga_source));
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (ga));

  /* SPICE's WebDAV channel: the client can share a folder with a guest
   * running spice-webdavd (virt-manager and Boxes add it too). */
  webdav = gvir_config_domain_channel_new ();
  gvir_config_domain_channel_set_target_type (webdav, GVIR_CONFIG_DOMAIN_CHANNEL_TARGET_VIRTIO);
  gvir_config_domain_channel_set_target_name (webdav, "org.spice-space.webdav.0");
  webdav_source = gvir_config_domain_chardev_source_spiceport_new ();
  gvir_config_domain_chardev_source_spiceport_set_channel (webdav_source, "org.spice-space.webdav.0");
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (webdav), GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (webdav_source));
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (webdav));

  /* USB redirection over SPICE: two devices at once, as virt-manager. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GVirConfigDomainRedirdev) redir = gvir_config_domain_redirdev_new ();
      g_autoptr(GVirConfigDomainChardevSourceSpiceVmc) redir_source = gvir_config_domain_chardev_source_spicevmc_new ();
      gvir_config_domain_redirdev_set_bus (redir, GVIR_CONFIG_DOMAIN_REDIRDEV_BUS_USB);
      gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (redir), GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (redir_source));
      gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (redir));
    }

  /* Sound: Intel HDA (ICH9) where libosinfo says the OS has a driver, or
   * it does not know the OS; libvirt gives it SPICE audio (the client
   * plays it) since the graphics are SPICE. */
  if (os == NULL || terra_os_db_supports_device (os, "ich9-hda") || terra_os_db_supports_device (os, "ich6"))
    {
      g_autoptr(GVirConfigDomainSound) sound = gvir_config_domain_sound_new ();
      gvir_config_domain_sound_set_model (sound, GVIR_CONFIG_DOMAIN_SOUND_MODEL_ICH9);
      gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (sound));
    }

  serial = gvir_config_domain_serial_new ();
  pty = gvir_config_domain_chardev_source_pty_new ();
  gvir_config_domain_chardev_set_source (GVIR_CONFIG_DOMAIN_CHARDEV (serial), GVIR_CONFIG_DOMAIN_CHARDEV_SOURCE (pty));
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (serial));

  balloon = gvir_config_domain_memballoon_new ();
  gvir_config_domain_memballoon_set_model (balloon, GVIR_CONFIG_DOMAIN_MEMBALLOON_MODEL_VIRTIO);
  gvir_config_domain_add_device (domain, GVIR_CONFIG_DOMAIN_DEVICE (balloon));

  if (!set_metadata (domain, spec, os, disk_path, created_iso8601, &local_error))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("The virtual machine’s description could not be built.\n\n%s"), local_error->message);
      return NULL;
    }

  if ((spec->lab_segments != NULL && spec->lab_segments[0] != NULL) || spec->uefi || spec->tpm ||
      spec->agent_socket != NULL)
    return add_xml_extras (g_steal_pointer (&domain), spec, virtio_net ? "virtio" : "e1000e", error);

  return g_steal_pointer (&domain);
}

/**
 * terra_volume_builder_build:
 * @volume_name: the volume's file name in the pool, e.g. "demo.qcow2"
 * @capacity_gib: virtual size in GiB
 * @backing_path: (nullable): an image the volume is a qcow2 overlay of
 *   (linked clone: reads fall through to it, writes stay in the volume)
 * @backing_format: (nullable): "qcow2" or "raw", the format of @backing_path
 *
 * A qcow2 volume, thin (no preallocation), as the guest's disk.
 *
 * Returns: (transfer full): the volume configuration
 */
GVirConfigStorageVol *
terra_volume_builder_build (const char *volume_name,
                            guint64     capacity_gib,
                            const char *backing_path,
                            const char *backing_format)
{
  GVirConfigStorageVol *vol = gvir_config_storage_vol_new ();
  g_autoptr(GVirConfigStorageVolTarget) target = gvir_config_storage_vol_target_new ();

  gvir_config_storage_vol_set_name (vol, volume_name);
  gvir_config_storage_vol_set_capacity (vol, capacity_gib << 30);  /* bytes */
  gvir_config_storage_vol_set_allocation (vol, 0);
  gvir_config_storage_vol_target_set_format (target, "qcow2");
  gvir_config_storage_vol_set_target (vol, target);
  if (backing_path != NULL)
    {
      g_autoptr(GVirConfigStorageVolBackingStore) backing = gvir_config_storage_vol_backing_store_new ();
      gvir_config_storage_vol_backing_store_set_path (backing, backing_path);
      gvir_config_storage_vol_backing_store_set_format (backing, backing_format ? backing_format : "raw");
      gvir_config_storage_vol_set_backing_store (vol, backing);
    }
  return vol;
}

/* A domain's XML for editing, or %TERRA_ERROR_FAILED. */
static xmlDoc *
parse_domain_xml (const char  *domain_xml,
                  GError     **error)
{
  xmlDoc *doc = parse_xml (domain_xml);

  if (doc == NULL)
    g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, _("The machine’s configuration could not be read."));
  return doc;
}

/* The edited document, serialised (libxml2 escapes what the tree holds). */
static char *
doc_to_string (xmlDoc *doc)
{
  xmlChar *out = NULL;
  int len = 0;
  char *result;

  xmlDocDumpMemory (doc, &out, &len);
  result = g_strndup ((const char *)out, len);
  xmlFree (out);
  return result;
}

/**
 * terra_domain_xml_has_transient_disk:
 * @domain_xml: a domain's XML (live or inactive)
 *
 * Returns: whether a disk is `<transient/>`: its changes are thrown away when
 *   the guest stops (libvirt keeps them in an overlay it deletes; a
 *   "disposable run")
 */
gboolean
terra_domain_xml_has_transient_disk (const char *domain_xml)
{
  g_autoptr(xmlDoc) doc = parse_xml (domain_xml);
  g_autoptr(xmlXPathContext) ctx = NULL;

  if (doc == NULL)
    return FALSE;
  ctx = xmlXPathNewContext (doc);
  return xpath_exists (ctx, "/domain/devices/disk[@device='disk']/transient");
}

/**
 * terra_domain_xml_uses_uefi:
 * @domain_xml: a domain's XML
 *
 * Returns: whether the guest boots with UEFI firmware from pflash (libvirt
 *   9.0 cannot take internal snapshots of such domains)
 */
gboolean
terra_domain_xml_uses_uefi (const char *domain_xml)
{
  g_autoptr(xmlDoc) doc = parse_xml (domain_xml);
  g_autoptr(xmlXPathContext) ctx = NULL;

  if (doc == NULL)
    return FALSE;
  ctx = xmlXPathNewContext (doc);
  return xpath_exists (ctx, "/domain/os[@firmware='efi']") ||
         xpath_exists (ctx, "/domain/os/loader[@type='pflash']");
}

/**
 * terra_domain_xml_make_disposable:
 * @domain_xml: a domain's inactive XML
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed or has no disk
 *
 * Marks every disk (not CD-ROMs) `<transient/>` with libxml2's tree API, for
 * a disposable run: virDomainCreateXML() of the result starts the defined
 * domain with this live definition only; libvirt writes the guest's changes
 * to an overlay next to each disk and deletes it when the guest stops
 * (https://libvirt.org/formatdomain.html#hard-drives-floppy-disks-cdroms,
 * "transient", QEMU since libvirt 6.9). The persistent definition is untouched.
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_make_disposable (const char  *domain_xml,
                                  GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) disks = NULL;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  disks = xmlXPathEvalExpression ((const xmlChar *)"/domain/devices/disk[@device='disk'][not(transient)]", ctx);
  if (disks == NULL || disks->nodesetval == NULL || disks->nodesetval->nodeNr == 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED,
                   _("This machine has no disk to protect, so a disposable run would change nothing."));
      return NULL;
    }
  for (int i = 0; i < disks->nodesetval->nodeNr; i++)
    xmlNewChild (disks->nodesetval->nodeTab[i], NULL, (const xmlChar *)"transient", NULL);
  return doc_to_string (doc);
}

/**
 * terra_domain_metadata_apply:
 * @domain: a domain configuration
 * @md: what to record
 * @error: as gvir_config_domain_set_custom_xml()
 *
 * Replaces our `<terrarium:terrarium>` metadata with @md (the clone keeps the
 * OS and media but records its own volumes and creation time).
 *
 * Returns: %TRUE on success
 */
gboolean
terra_domain_metadata_apply (GVirConfigDomain           *domain,
                             const TerraDomainMetadata  *md,
                             GError                    **error)
{
  g_autofree char *ours = NULL;
  xmlNode *root = new_ns_root ("terrarium", TERRA_METADATA_NS, TERRA_METADATA_PREFIX);

  add_text_child (root, "os-short-id", md->os_short_id);
  add_text_child (root, "os-name", md->os_name);
  add_text_child (root, "media", md->media_path);
  add_text_child (root, "created", md->created);
  add_text_child (root, "base-image", md->base_image);
  add_text_child (root, "lab", md->lab_name);
  add_text_child (root, "lab-file", md->lab_file);
  add_text_child (root, "install", md->install);
  add_text_child (root, "express-dir", md->express_dir);
  add_text_child (root, "script-disc", md->script_disc);
  for (guint i = 0; md->volumes != NULL && md->volumes[i] != NULL; i++)
    add_text_child (root, "volume", md->volumes[i]);
  ours = node_to_string (root);
  return gvir_config_domain_set_custom_xml (domain, ours, TERRA_METADATA_PREFIX, TERRA_METADATA_NS, error);
}

/**
 * terra_domain_xml_set_transient:
 * @domain_xml: a domain's inactive XML
 * @transient: add (%TRUE) or remove (%FALSE) `<transient/>` on every disk
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * For "Reset on shutdown": with `<transient/>` in the persistent definition
 * every run of the machine is disposable. Edited with libxml2's tree API.
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_set_transient (const char  *domain_xml,
                                gboolean     transient,
                                GError     **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) nodes = NULL;

  if (transient)
    {
      g_autoptr(GError) local = NULL;
      char *result = terra_domain_xml_make_disposable (domain_xml, &local);
      if (result == NULL && terra_domain_xml_has_transient_disk (domain_xml))
        return g_strdup (domain_xml);
      if (result == NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return result;
    }
  doc = parse_domain_xml (domain_xml, error);
  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  nodes = xmlXPathEvalExpression ((const xmlChar *)"/domain/devices/disk/transient", ctx);
  if (nodes != NULL && nodes->nodesetval != NULL)
    for (int i = 0; i < nodes->nodesetval->nodeNr; i++)
      {
        xmlUnlinkNode (nodes->nodesetval->nodeTab[i]);
        xmlFreeNode (nodes->nodesetval->nodeTab[i]);
        nodes->nodesetval->nodeTab[i] = NULL;
      }
  return doc_to_string (doc);
}

/**
 * terra_domain_xml_set_cdrom:
 * @domain_xml: a domain's XML
 * @media_path: (nullable): the disc image to insert, or %NULL to eject
 * @disk_xml: (out) (transfer full) (optional): the changed CD-ROM element
 *   alone, for virDomainUpdateDeviceFlags() on a running guest
 * @error: %TERRA_ERROR_NOT_FOUND when the machine has no CD-ROM drive
 *
 * Changes or ejects the first CD-ROM's media with libxml2's tree API (the
 * path is escaped as an attribute value).
 *
 * Returns: (transfer full) (nullable): the changed domain XML
 */
char *
terra_domain_xml_set_cdrom (const char  *domain_xml,
                            const char  *media_path,
                            char       **disk_xml,
                            GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) drives = NULL;
  xmlNode *drive, *child, *next, *source;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  drives = xmlXPathEvalExpression ((const xmlChar *)"/domain/devices/disk[@device='cdrom']", ctx);
  if (drives == NULL || drives->nodesetval == NULL || drives->nodesetval->nodeNr == 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND, _("This machine has no CD/DVD drive."));
      return NULL;
    }
  drive = drives->nodesetval->nodeTab[0];
  for (child = drive->children; child != NULL; child = next)
    {
      next = child->next;
      if (child->type == XML_ELEMENT_NODE && xmlStrEqual (child->name, (const xmlChar *)"source"))
        {
          xmlUnlinkNode (child);
          xmlFreeNode (child);
        }
    }
  xmlSetProp (drive, (const xmlChar *)"type", (const xmlChar *)"file");
  if (media_path != NULL)
    {
      source = xmlNewNode (NULL, (const xmlChar *)"source");
      xmlNewProp (source, (const xmlChar *)"file", (const xmlChar *)media_path);
      if (drive->children != NULL)
        xmlAddPrevSibling (drive->children, source);
      else
        xmlAddChild (drive, source);
    }
  if (disk_xml != NULL)
    {
      xmlBuffer *buf = xmlBufferCreate ();
      xmlNodeDump (buf, doc, drive, 0, 0);
      *disk_xml = g_strdup ((const char *)xmlBufferContent (buf));
      xmlBufferFree (buf);
    }
  return doc_to_string (doc);
}

/* --- device edits that keep every other device ------------------------------
 *
 * libvirt-gconfig's get_devices()/set_devices() round trip drops devices it
 * has no class for (a lab's `<interface type='mcast'>`), so devices are
 * added and removed here with libxml2's tree API on the domain XML.
 */

static void
remove_nodes (xmlXPathContext *ctx,
              const char      *expr)
{
  g_autoptr(xmlXPathObject) nodes = xmlXPathEvalExpression ((const xmlChar *)expr, ctx);

  if (nodes == NULL || nodes->nodesetval == NULL)
    return;
  for (int i = 0; i < nodes->nodesetval->nodeNr; i++)
    {
      xmlUnlinkNode (nodes->nodesetval->nodeTab[i]);
      xmlFreeNode (nodes->nodesetval->nodeTab[i]);
      nodes->nodesetval->nodeTab[i] = NULL;
    }
}

/* @value as an XPath string literal (XPath 1.0 has no escapes: a value with
 * both quote kinds is matched with concat()). */
static char *
xpath_literal (const char *value)
{
  GString *out;

  if (strchr (value, '\'') == NULL)
    return g_strdup_printf ("'%s'", value);
  if (strchr (value, '"') == NULL)
    return g_strdup_printf ("\"%s\"", value);
  out = g_string_new ("concat(");
  for (const char *p = value; *p != '\0'; )
    {
      const char *q = strchr (p, '\'');
      if (q == p)
        {
          g_string_append (out, "\"'\",");
          p++;
          continue;
        }
      g_string_append_c (out, '\'');
      g_string_append_len (out, p, q ? q - p : (gssize)strlen (p));
      g_string_append (out, "',");
      p = q ? q : p + strlen (p);
    }
  g_string_append (out, "'')");
  return g_string_free (out, FALSE);
}

/**
 * terra_domain_xml_finish_install:
 * @domain_xml: an inactive domain's XML whose metadata says an express
 *   install runs (`<install>express</install>`)
 * @error: %TERRA_ERROR_FAILED when the XML cannot be read,
 *   %TERRA_ERROR_WRONG_STATE when no express install runs
 *
 * The domain after its installer's first reboot: no direct kernel boot
 * (kernel, initrd, command line), no script disc, the installer media
 * ejected (the drive stays, empty), restart on reboot again, and the
 * metadata saying the install is done (`<install>done</install>`, the
 * express folder and script disc forgotten: delete them first).
 *
 * Returns: (transfer full) (nullable): the edited XML
 */
char *
terra_domain_xml_finish_install (const char  *domain_xml,
                                 GError     **error)
{
  g_autoptr(TerraDomainMetadata) md = terra_domain_metadata_parse (domain_xml);
  g_autoptr(xmlDoc) doc = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) install = NULL;
  g_autoptr(xmlXPathObject) reboot = NULL;
  g_autoptr(xmlXPathObject) sources = NULL;

  if (md == NULL || g_strcmp0 (md->install, "express") != 0)
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_WRONG_STATE, _("No express install runs on this machine."));
      return NULL;
    }
  doc = parse_domain_xml (domain_xml, error);
  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *)"t", (const xmlChar *)TERRA_METADATA_NS);

  remove_nodes (ctx, "/domain/os/kernel | /domain/os/initrd | /domain/os/cmdline");
  if (md->script_disc != NULL)
    {
      g_autofree char *lit = xpath_literal (md->script_disc);
      g_autofree char *expr = g_strdup_printf ("/domain/devices/disk[@device='cdrom'][source/@file=%s]", lit);
      remove_nodes (ctx, expr);
    }
  if (md->media_path != NULL)
    {
      g_autofree char *lit = xpath_literal (md->media_path);
      g_autofree char *expr = g_strdup_printf ("/domain/devices/disk[@device='cdrom']/source[@file=%s]", lit);
      remove_nodes (ctx, expr);
    }
  remove_nodes (ctx, "/domain/metadata/t:terrarium/t:express-dir | /domain/metadata/t:terrarium/t:script-disc");

  install = xmlXPathEvalExpression ((const xmlChar *)"/domain/metadata/t:terrarium/t:install", ctx);
  if (install != NULL && install->nodesetval != NULL && install->nodesetval->nodeNr > 0)
    xmlNodeSetContent (install->nodesetval->nodeTab[0], (const xmlChar *)"done");
  reboot = xmlXPathEvalExpression ((const xmlChar *)"/domain/on_reboot", ctx);
  if (reboot != NULL && reboot->nodesetval != NULL && reboot->nodesetval->nodeNr > 0)
    xmlNodeSetContent (reboot->nodesetval->nodeTab[0], (const xmlChar *)"restart");
  return doc_to_string (doc);
}

static xmlNode *
devices_node (xmlDoc  *doc,
              GError **error)
{
  xmlNode *root = xmlDocGetRootElement (doc);

  for (xmlNode *n = root ? root->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrEqual (n->name, (const xmlChar *)"devices"))
      return n;
  g_set_error (error, TERRA_ERROR, TERRA_ERROR_FAILED, _("The machine’s configuration could not be read."));
  return NULL;
}

/**
 * terra_domain_xml_set_video:
 * @domain_xml: a domain's inactive XML
 * @model: "qxl" or "virtio"
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * Replaces the video cards with one of @model (libvirt fills in the rest).
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_set_video (const char  *domain_xml,
                            const char  *model,
                            GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  xmlNode *devices, *video, *node;

  if (doc == NULL || (devices = devices_node (doc, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  remove_nodes (ctx, "/domain/devices/video");
  video = xmlNewChild (devices, NULL, (const xmlChar *)"video", NULL);
  node = xmlNewChild (video, NULL, (const xmlChar *)"model", NULL);
  xmlNewProp (node, (const xmlChar *)"type", (const xmlChar *)model);
  return doc_to_string (doc);
}

/**
 * terra_domain_xml_set_nat:
 * @domain_xml: a domain's inactive XML
 * @nat: whether the machine has a user-mode NAT card
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * Adds or removes the user-mode (NAT) network card; other cards (a lab's
 * networks) stay. A new card is virtio when the machine's disk is (the OS
 * has virtio drivers), else e1000e, as terra_domain_builder_build() decides.
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_set_nat (const char  *domain_xml,
                          gboolean     nat,
                          GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  xmlNode *devices, *nic, *node;
  gboolean virtio;

  if (doc == NULL || (devices = devices_node (doc, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  if (nat && xpath_exists (ctx, "/domain/devices/interface[@type='user']"))
    return doc_to_string (doc);
  remove_nodes (ctx, "/domain/devices/interface[@type='user']");
  if (nat)
    {
      virtio = xpath_exists (ctx, "/domain/devices/disk[@device='disk']/target[@bus='virtio']");
      nic = xmlNewChild (devices, NULL, (const xmlChar *)"interface", NULL);
      xmlNewProp (nic, (const xmlChar *)"type", (const xmlChar *)"user");
      node = xmlNewChild (nic, NULL, (const xmlChar *)"model", NULL);
      xmlNewProp (node, (const xmlChar *)"type", (const xmlChar *)(virtio ? "virtio" : "e1000e"));
    }
  return doc_to_string (doc);
}

/**
 * terra_domain_xml_set_sound:
 * @domain_xml: a domain's inactive XML
 * @sound: whether the machine has an ICH9 sound card
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_set_sound (const char  *domain_xml,
                            gboolean     sound,
                            GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  xmlNode *devices, *node;

  if (doc == NULL || (devices = devices_node (doc, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  remove_nodes (ctx, "/domain/devices/sound");
  if (sound)
    {
      node = xmlNewChild (devices, NULL, (const xmlChar *)"sound", NULL);
      xmlNewProp (node, (const xmlChar *)"model", (const xmlChar *)"ich9");
    }
  return doc_to_string (doc);
}

/**
 * terra_domain_xml_set_shared_folder:
 * @domain_xml: a domain's inactive XML
 * @folder: (nullable): an absolute host folder to share, or %NULL for none
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * Sets the machine's shared folder: virtio-9p, `mapped` access, mount tag
 * TERRA_SHARED_FOLDER_TAG (as terra_domain_builder_build() makes it).
 * Other filesystems are kept.
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_set_shared_folder (const char  *domain_xml,
                                    const char  *folder,
                                    GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;
  xmlNode *devices, *fs, *node;

  if (doc == NULL || (devices = devices_node (doc, error)) == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  remove_nodes (ctx, "/domain/devices/filesystem[target/@dir='" TERRA_SHARED_FOLDER_TAG "']");
  if (folder != NULL)
    {
      fs = xmlNewChild (devices, NULL, (const xmlChar *)"filesystem", NULL);
      xmlNewProp (fs, (const xmlChar *)"type", (const xmlChar *)"mount");
      xmlNewProp (fs, (const xmlChar *)"accessmode", (const xmlChar *)"mapped");
      node = xmlNewChild (fs, NULL, (const xmlChar *)"source", NULL);
      xmlNewProp (node, (const xmlChar *)"dir", (const xmlChar *)folder);
      node = xmlNewChild (fs, NULL, (const xmlChar *)"target", NULL);
      xmlNewProp (node, (const xmlChar *)"dir", (const xmlChar *)TERRA_SHARED_FOLDER_TAG);
    }
  return doc_to_string (doc);
}

/**
 * terra_domain_xml_shared_folder:
 * @domain_xml: a domain's XML
 *
 * Returns: (transfer full) (nullable): the host folder shared with the
 *   guest under our mount tag, or %NULL
 */
char *
terra_domain_xml_shared_folder (const char *domain_xml)
{
  g_autoptr(xmlDoc) doc = parse_xml (domain_xml);
  g_autoptr(xmlXPathContext) ctx = NULL;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  return xpath_string (ctx, "/domain/devices/filesystem[target/@dir='" TERRA_SHARED_FOLDER_TAG "']/source/@dir");
}

/**
 * terra_domain_xml_forget_macs:
 * @domain_xml: a domain's XML
 * @error: %TERRA_ERROR_FAILED when it cannot be parsed
 *
 * Removes every network card's MAC address, so that libvirt gives a copy
 * of the machine (a clone) new ones, on every kind of card.
 *
 * Returns: (transfer full) (nullable): the changed XML
 */
char *
terra_domain_xml_forget_macs (const char  *domain_xml,
                              GError     **error)
{
  g_autoptr(xmlDoc) doc = parse_domain_xml (domain_xml, error);
  g_autoptr(xmlXPathContext) ctx = NULL;

  if (doc == NULL)
    return NULL;
  ctx = xmlXPathNewContext (doc);
  remove_nodes (ctx, "/domain/devices/interface/mac");
  return doc_to_string (doc);
}
