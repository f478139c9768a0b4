/* terra-lab.c — reading and checking lab files
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "terra-lab"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <osinfo/osinfo.h>
#include <yaml.h>

#include "terra-disk-image.h"
#include "terra-error.h"
#include "terra-media-info.h"
#include "terra-lab.h"
#include "terra-os-db.h"

/*
 * A lab file is YAML (libyaml's document API, which keeps every node's
 * line and column). Checking never stops at the first problem: every
 * problem is collected with its position, so an instructor fixes a file in
 * one round. Unknown keys are problems too: a typo must not be ignored.
 * docs/lab-format.md describes the format.
 */

/* Limits of one lab VM; the same as the create flow's (terra-machine-spec.c). */
#define MIN_MEMORY_MIB 128
#define MAX_MEMORY_MIB (1024 * 1024)
#define MAX_VCPUS      255
#define MAX_DISK_GIB   (64 * 1024)
#define DEFAULT_MEMORY_MIB 1024
#define DEFAULT_VCPUS      1
#define DEFAULT_DISK_GIB   10
#define DEFAULT_BASELINE_AFTER_S 20
#define MAX_NAME_LENGTH 40

typedef struct {
  yaml_document_t *doc;
  const char      *file;       /* as the user named it */
  const char      *directory;  /* for relative sources */
  GPtrArray       *problems;
} Reader;

void
terra_lab_problem_free (TerraLabProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->file);
  g_free (problem->message);
  g_free (problem);
}

/**
 * terra_lab_problem_format:
 * @problem: a problem
 *
 * Returns: (transfer full): "FILE:LINE:COLUMN: MESSAGE"
 */
char *
terra_lab_problem_format (const TerraLabProblem *problem)
{
  return g_strdup_printf ("%s:%u:%u: %s", problem->file, problem->line, problem->column, problem->message);
}

/**
 * terra_lab_format_problems:
 * @problems: (element-type TerraLabProblem): problems
 *
 * Returns: (transfer full): one formatted problem per line
 */
char *
terra_lab_format_problems (GPtrArray *problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      g_autofree char *line = terra_lab_problem_format (g_ptr_array_index (problems, i));
      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, line);
    }
  return g_string_free (out, FALSE);
}

static void add_problem (Reader *r, guint line, guint column, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (Reader     *r,
             guint       line,
             guint       column,
             const char *format,
             ...)
{
  TerraLabProblem *p = g_new0 (TerraLabProblem, 1);
  va_list args;

  va_start (args, format);
  p->message = g_strdup_vprintf (format, args);
  va_end (args);
  p->file = g_strdup (r->file);
  p->line = line;
  p->column = column;
  g_ptr_array_add (r->problems, p);
}

/* libyaml's marks are 0-based. */
#define NODE_PROBLEM(r, node, ...) \
  add_problem ((r), (node)->start_mark.line + 1, (node)->start_mark.column + 1, __VA_ARGS__)

static const char *
scalar (yaml_node_t *node)
{
  return node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

static gboolean
is_plain (yaml_node_t *node)
{
  return node->type == YAML_SCALAR_NODE && node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static const char *
node_kind (yaml_node_t *node)
{
  switch (node->type)
    {
    case YAML_MAPPING_NODE: return _("a mapping");
    case YAML_SEQUENCE_NODE: return _("a list");
    case YAML_SCALAR_NODE:
    case YAML_NO_NODE:
    default: return _("a value");
    }
}

/* "name" or the quoted text of a scalar, for "got …" in messages. */
static char *
describe (yaml_node_t *node)
{
  if (node->type == YAML_SCALAR_NODE)
    return g_strdup_printf ("\"%s\"", scalar (node));
  return g_strdup (node_kind (node));
}

/* Levenshtein distance, for "did you mean". */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

typedef struct {
  const char  *key;
  yaml_node_t *value;
  yaml_node_t *key_node;
} Field;

/* Reads a mapping's pairs into @fields (in the order of @known), reporting
 * unknown and repeated keys. Returns FALSE when @node is not a mapping. */
static gboolean
read_mapping (Reader             *r,
              yaml_node_t        *node,
              const char         *what,
              const char * const *known,
              Field              *fields)
{
  guint n_known = g_strv_length ((char **)known);

  for (guint i = 0; i < n_known; i++)
    fields[i] = (Field) { known[i], NULL, NULL };

  if (node->type != YAML_MAPPING_NODE)
    {
      g_autofree char *got = describe (node);
      NODE_PROBLEM (r, node, _("%s must be a mapping of keys to values, got %s"), what, got);
      return FALSE;
    }

  for (yaml_node_pair_t *pair = node->data.mapping.pairs.start; pair < node->data.mapping.pairs.top; pair++)
    {
      yaml_node_t *k = yaml_document_get_node (r->doc, pair->key);
      yaml_node_t *v = yaml_document_get_node (r->doc, pair->value);
      const char *key = k ? scalar (k) : NULL;
      gboolean found = FALSE;

      if (key == NULL)
        {
          NODE_PROBLEM (r, k, _("keys must be plain words, got %s"), node_kind (k));
          continue;
        }
      for (guint i = 0; i < n_known; i++)
        if (g_str_equal (key, known[i]))
          {
            found = TRUE;
            if (fields[i].value != NULL)
              NODE_PROBLEM (r, k, _("“%s” is given twice (first on line %lu)"), key,
                            (gulong)fields[i].key_node->start_mark.line + 1);
            else
              {
                fields[i].value = v;
                fields[i].key_node = k;
              }
          }
      if (!found)
        {
          const char *best = NULL;
          guint best_d = G_MAXUINT;
          g_autofree char *list = g_strjoinv (", ", (char **)known);

          for (guint i = 0; i < n_known; i++)
            {
              guint d = edit_distance (key, known[i]);
              if (d < best_d)
                best_d = d, best = known[i];
            }
          if (best != NULL && best_d <= 2)
            NODE_PROBLEM (r, k, _("unknown key “%s” in %s; did you mean “%s”?"), key, what, best);
          else
            NODE_PROBLEM (r, k, _("unknown key “%s” in %s (known keys: %s)"), key, what, list);
        }
    }
  return TRUE;
}

static yaml_node_t *
field (Field      *fields,
       const char *key)
{
  for (guint i = 0; fields[i].key != NULL; i++)
    if (g_str_equal (fields[i].key, key))
      return fields[i].value;
  g_return_val_if_reached (NULL);
}

static char *
read_string (Reader      *r,
             yaml_node_t *node,
             const char  *key)
{
  if (node == NULL)
    return NULL;
  if (node->type != YAML_SCALAR_NODE)
    {
      NODE_PROBLEM (r, node, _("%s must be text, got %s"), key, node_kind (node));
      return NULL;
    }
  return g_strdup (scalar (node));
}

static gboolean
read_number (Reader      *r,
             yaml_node_t *node,
             const char  *key,
             const char  *unit,
             guint64      min,
             guint64      max,
             guint64     *out)
{
  const char *text;
  guint64 value;

  if (node == NULL)
    return TRUE;
  text = scalar (node);
  if (text != NULL && !is_plain (node) && g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      NODE_PROBLEM (r, node, _("%s must be a whole number of %s without quotes, got the text \"%s\""), key, unit, text);
      return FALSE;
    }
  if (text == NULL || !is_plain (node) || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, NULL))
    {
      g_autofree char *got = describe (node);
      NODE_PROBLEM (r, node, _("%s must be a whole number of %s, got %s"), key, unit, got);
      return FALSE;
    }
  if (value < min || value > max)
    {
      NODE_PROBLEM (r, node, _("%s must be between %" G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT " %s, got %" G_GUINT64_FORMAT),
                    key, min, max, unit, value);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
read_bool (Reader      *r,
           yaml_node_t *node,
           const char  *key,
           gboolean    *out)
{
  const char *text;
  static const char * const yes[] = { "true", "yes", "on", NULL };
  static const char * const no[] = { "false", "no", "off", NULL };

  if (node == NULL)
    return TRUE;
  text = scalar (node);
  if (text != NULL && is_plain (node) && g_strv_contains (yes, text))
    *out = TRUE;
  else if (text != NULL && is_plain (node) && g_strv_contains (no, text))
    *out = FALSE;
  else
    {
      g_autofree char *got = describe (node);
      NODE_PROBLEM (r, node, _("%s must be true or false, got %s"), key, got);
      return FALSE;
    }
  return TRUE;
}

/* Lab and VM names become parts of libvirt domain names and file names. */
static gboolean
check_name (Reader      *r,
            yaml_node_t *node,
            const char  *what,
            const char  *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_NAME_LENGTH || !g_ascii_isalnum (name[0]))
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
      goto bad;
  return TRUE;

bad:
  NODE_PROBLEM (r, node, _("%s “%s” must start with a letter or digit and use only letters, digits, “-”, “_” and “.” (at most %d)"),
                what, name, MAX_NAME_LENGTH);
  return FALSE;
}

/**
 * terra_lab_segment_for:
 * @lab_name: the lab's name
 * @network_name: the network's name
 *
 * Where a lab network's frames travel: a multicast group in
 * 239.255.0.0/16 (IPv4 organisation-local scope, RFC 2365) and a UDP port in
 * 20000–59999, both from a SHA-256 of the two names, so the same lab file
 * gives the same segment on every host and different labs do not meet.
 *
 * Returns: (transfer full): "GROUP:PORT"
 */
char *
terra_lab_segment_for (const char *lab_name,
                       const char *network_name)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *)lab_name, -1);
  g_checksum_update (sum, (const guchar *)"\n", 1);
  g_checksum_update (sum, (const guchar *)network_name, -1);
  g_checksum_get_digest (sum, digest, &len);
  return g_strdup_printf ("239.255.%u.%u:%u", digest[0], MAX (digest[1], 1),
                          20000 + ((digest[2] << 8 | digest[3]) % 40000));
}

static void
terra_lab_vm_free (TerraLabVm *vm)
{
  g_free (vm->name);
  g_free (vm->domain_name);
  g_free (vm->source);
  g_free (vm->sha256);
  g_free (vm->url);
  g_free (vm->disk_format);
  g_free (vm->shared_folder);
  g_strfreev (vm->networks);
  g_free (vm);
}

static void
terra_lab_network_free (TerraLabNetwork *net)
{
  g_free (net->name);
  g_free (net->description);
  g_free (net->segment);
  g_free (net);
}

static gboolean
has_suffix_ci (const char *text,
               const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  return g_str_has_suffix (lower, suffix);
}

/* A local file source: installer media (*.iso) or a disk image to overlay. */
static void
check_file_source (Reader      *r,
                   TerraLabVm  *vm,
                   yaml_node_t *node,
                   const char  *text)
{
  g_autofree char *path = g_path_is_absolute (text) ? g_strdup (text)
                                                    : g_build_filename (r->directory, text, NULL);
  g_autoptr(TerraDiskImageInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  vm->source_kind = TERRA_LAB_SOURCE_FILE;
  vm->source = g_canonicalize_filename (path, NULL);
  if (!g_file_test (vm->source, G_FILE_TEST_EXISTS))
    {
      NODE_PROBLEM (r, node, _("source “%s” not found (looked for %s)"), text, vm->source);
      return;
    }
  if (!g_file_test (vm->source, G_FILE_TEST_IS_REGULAR))
    {
      NODE_PROBLEM (r, node, _("source “%s” is not a regular file"), text);
      return;
    }
  if (has_suffix_ci (vm->source, ".iso"))
    {
      /* Installer media: the VM gets a blank disk. An ISO 9660 image has
       * "CD001" at byte 32769 (ECMA-119, the primary volume descriptor). */
      if (!terra_iso9660_probe (vm->source, NULL, NULL))
        NODE_PROBLEM (r, node, _("source “%s” is named .iso but is not an ISO 9660 disc image"), text);
      return;
    }

  /* Shared: the image may be open in a running VM (a base of overlays). */
  info = terra_disk_image_inspect_sync (vm->source, TRUE, NULL, &error);
  if (info == NULL)
    {
      NODE_PROBLEM (r, node, _("source “%s” is not a disk image qemu-img can read: %s"), text, error->message);
      return;
    }
  if (!g_str_equal (info->format, "qcow2") && !g_str_equal (info->format, "raw"))
    {
      NODE_PROBLEM (r, node, _("source “%s” is a %s image; labs use qcow2 or raw (convert it: qemu-img convert -O qcow2 %s base.qcow2)"),
                    text, info->format, text);
      return;
    }
  if (info->backing != NULL || info->external_files[0] != NULL)
    {
      /* No reading other files through a backing chain. */
      NODE_PROBLEM (r, node, _("source “%s” has a backing file (%s); flatten it first: qemu-img convert -O qcow2 %s flat.qcow2"),
                    text, info->backing ? info->backing : info->external_files[0], text);
      return;
    }
  vm->is_disk = TRUE;
  vm->disk_format = g_strdup (info->format);
  /* The overlay is at least as large as its base. */
  vm->disk_gib = MAX (vm->disk_gib, (info->virtual_size + (1ULL << 30) - 1) >> 30);
}

static gboolean
is_sha256 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

/* x86_64 installer media with a URL in libosinfo's database for @os. */
static char *
os_media_url (OsinfoOs *os)
{
  g_autoptr(OsinfoMediaList) list = osinfo_os_get_media_list (os);

  for (int i = 0; i < osinfo_list_get_length (OSINFO_LIST (list)); i++)
    {
      OsinfoMedia *media = OSINFO_MEDIA (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *url = osinfo_media_get_url (media);
      if (url != NULL && g_strcmp0 (osinfo_media_get_architecture (media), "x86_64") == 0)
        return g_strdup (url);
    }
  return NULL;
}

static void
read_source (Reader      *r,
             TerraLabVm  *vm,
             yaml_node_t *node)
{
  static const char * const keys[] = { "url", "sha256", "os", NULL };
  Field fields[G_N_ELEMENTS (keys)];
  yaml_node_t *url, *sha, *os;

  if (node->type == YAML_SCALAR_NODE)
    {
      check_file_source (r, vm, node, scalar (node));
      return;
    }
  if (!read_mapping (r, node, _("source"), keys, fields))
    return;
  url = field (fields, "url");
  sha = field (fields, "sha256");
  os = field (fields, "os");

  if ((url != NULL) == (os != NULL))
    {
      NODE_PROBLEM (r, node, _("source needs either “url” (with “sha256”) or “os”, or a file path instead of a mapping"));
      return;
    }
  if (url != NULL)
    {
      g_autofree char *u = read_string (r, url, "url");
      const char *scheme = u ? g_uri_peek_scheme (u) : NULL;  /* interned */

      vm->source_kind = TERRA_LAB_SOURCE_URL;
      if (u != NULL && g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
        NODE_PROBLEM (r, url, _("url must start with http:// or https://, got \"%s\""), u);
      if (sha == NULL)
        NODE_PROBLEM (r, node, _("a url source needs “sha256”, the image’s SHA-256 checksum (sha256sum prints it)"));
      else
        {
          g_autofree char *s = read_string (r, sha, "sha256");
          if (s != NULL && !is_sha256 (s))
            NODE_PROBLEM (r, sha, _("sha256 must be 64 hexadecimal digits, got \"%s\""), s);
          else if (s != NULL)
            vm->sha256 = g_ascii_strdown (s, -1);
        }
      vm->source = g_strdup (u);
      vm->url = g_steal_pointer (&u);
      /* What the name says: an ISO is installer media, anything else a disk. */
      vm->is_disk = vm->url != NULL && !has_suffix_ci (vm->url, ".iso");
      if (vm->is_disk)
        vm->disk_format = g_strdup (has_suffix_ci (vm->url, ".qcow2") ? "qcow2" : "raw");
    }
  else
    {
      g_autofree char *id = read_string (r, os, "os");
      OsinfoOs *found;

      vm->source_kind = TERRA_LAB_SOURCE_OS;
      if (sha != NULL)
        NODE_PROBLEM (r, sha, _("sha256 belongs with a url source"));
      if (id == NULL)
        return;
      vm->source = g_strdup (id);
      found = terra_os_db_find_os (id);
      if (found == NULL)
        NODE_PROBLEM (r, os, _("os “%s” is not in the OS database (osinfo-query os lists the short ids)"), id);
      else if ((vm->url = os_media_url (found)) == NULL)
        NODE_PROBLEM (r, os, _("the OS database has no downloadable x86_64 media for “%s”; give a url or a file instead"), id);
    }
}

static char **
read_network_list (Reader      *r,
                   yaml_node_t *node,
                   TerraLab    *lab)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (node == NULL)
    return g_new0 (char *, 1);
  if (node->type != YAML_SEQUENCE_NODE)
    {
      g_autofree char *got = describe (node);
      NODE_PROBLEM (r, node, _("networks must be a list of network names, e.g. [lan], got %s"), got);
      return g_new0 (char *, 1);
    }
  for (yaml_node_item_t *item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++)
    {
      yaml_node_t *n = yaml_document_get_node (r->doc, *item);
      const char *name = scalar (n);

      if (name == NULL)
        NODE_PROBLEM (r, n, _("a network name must be text, got %s"), node_kind (n));
      else if (terra_lab_find_network (lab, name) == NULL)
        NODE_PROBLEM (r, n, _("network “%s” is not declared under “networks” at the top of the file"), name);
      else if (g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
        NODE_PROBLEM (r, n, _("network “%s” is listed twice"), name);
      else
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
read_vm (Reader      *r,
         TerraLab    *lab,
         yaml_node_t *node)
{
  static const char * const keys[] = {
    "name", "source", "memory", "vcpus", "disk", "firmware", "networks", "nat",
    "disposable", "baseline", "baseline-after", "shared-folder", NULL
  };
  Field fields[G_N_ELEMENTS (keys)];
  TerraLabVm *vm;
  yaml_node_t *n;
  guint64 value;
  g_autofree char *firmware = NULL;
  g_autofree char *baseline = NULL;

  if (!read_mapping (r, node, _("a VM"), keys, fields))
    return;

  vm = g_new0 (TerraLabVm, 1);
  vm->line = node->start_mark.line + 1;
  vm->column = node->start_mark.column + 1;
  vm->memory_mib = DEFAULT_MEMORY_MIB;
  vm->vcpus = DEFAULT_VCPUS;
  vm->disk_gib = DEFAULT_DISK_GIB;
  vm->nat = TRUE;
  vm->baseline_after_s = DEFAULT_BASELINE_AFTER_S;
  g_ptr_array_add (lab->vms, vm);

  if ((n = field (fields, "name")) == NULL)
    NODE_PROBLEM (r, node, _("a VM needs a “name”"));
  else if ((vm->name = read_string (r, n, "name")) != NULL && check_name (r, n, _("VM name"), vm->name))
    {
      for (guint i = 0; i + 1 < lab->vms->len; i++)
        {
          TerraLabVm *other = g_ptr_array_index (lab->vms, i);
          if (g_strcmp0 (other->name, vm->name) == 0)
            NODE_PROBLEM (r, n, _("VM name “%s” is used twice (first on line %u)"), vm->name, other->line);
        }
    }

  read_number (r, field (fields, "memory"), "memory", "MiB", MIN_MEMORY_MIB, MAX_MEMORY_MIB, &vm->memory_mib);
  if (read_number (r, field (fields, "vcpus"), "vcpus", _("vCPUs"), 1, MAX_VCPUS, &value) && field (fields, "vcpus"))
    vm->vcpus = (guint)value;
  read_number (r, field (fields, "disk"), "disk", "GiB", 1, MAX_DISK_GIB, &vm->disk_gib);
  if (read_number (r, field (fields, "baseline-after"), "baseline-after", _("seconds"), 0, 3600, &value) &&
      field (fields, "baseline-after"))
    vm->baseline_after_s = (guint)value;
  if ((n = field (fields, "baseline")) != NULL && (baseline = read_string (r, n, "baseline")) != NULL)
    {
      if (g_str_equal (baseline, "disk"))
        vm->baseline_disk_only = TRUE;
      else if (!g_str_equal (baseline, "memory"))
        NODE_PROBLEM (r, n, _("baseline must be memory (a booted guest, instant reset) or disk (a fresh disk, reset boots), got \"%s\""),
                      baseline);
    }
  read_bool (r, field (fields, "nat"), "nat", &vm->nat);
  if ((n = field (fields, "shared-folder")) != NULL)
    {
      g_autofree char *folder = read_string (r, n, "shared-folder");
      if (folder != NULL)
        {
          g_autofree char *abs = g_path_is_absolute (folder) ? g_strdup (folder)
                                                             : g_build_filename (r->directory, folder, NULL);
          vm->shared_folder = g_canonicalize_filename (abs, NULL);
          if (!g_file_test (vm->shared_folder, G_FILE_TEST_IS_DIR))
            NODE_PROBLEM (r, n, _("shared-folder “%s” is not a folder (looked for %s)"), folder, vm->shared_folder);
        }
    }
  read_bool (r, field (fields, "disposable"), "disposable", &vm->disposable);
  vm->networks = read_network_list (r, field (fields, "networks"), lab);

  if ((n = field (fields, "firmware")) != NULL && (firmware = read_string (r, n, "firmware")) != NULL)
    {
      if (g_str_equal (firmware, "uefi"))
        vm->uefi = TRUE;
      else if (!g_str_equal (firmware, "bios"))
        NODE_PROBLEM (r, n, _("firmware must be bios or uefi, got \"%s\""), firmware);
      /* libvirt 9.0 cannot take internal snapshots of UEFI (pflash) guests. */
      if (vm->uefi && !vm->disposable)
        NODE_PROBLEM (r, n, _("a UEFI VM needs “disposable: true”: libvirt 9.0 cannot snapshot UEFI guests, so its reset must start it on a fresh overlay"));
    }

  /* Last: the disk size of an overlay follows its base image. */
  if ((n = field (fields, "source")) == NULL)
    NODE_PROBLEM (r, node, _("VM “%s” needs a “source”: a file path, {url: …, sha256: …} or {os: SHORT-ID}"),
                  vm->name ? vm->name : "?");
  else
    read_source (r, vm, n);

  if (lab->name != NULL && vm->name != NULL)
    vm->domain_name = g_strdup_printf ("%s-%s", lab->name, vm->name);
}

static void
read_networks (Reader      *r,
               TerraLab    *lab,
               yaml_node_t *node)
{
  static const char * const keys[] = { "name", "description", NULL };

  if (node == NULL)
    return;
  if (node->type != YAML_SEQUENCE_NODE)
    {
      g_autofree char *got = describe (node);
      NODE_PROBLEM (r, node, _("networks must be a list of {name: …} entries, got %s"), got);
      return;
    }
  for (yaml_node_item_t *item = node->data.sequence.items.start; item < node->data.sequence.items.top; item++)
    {
      yaml_node_t *entry = yaml_document_get_node (r->doc, *item);
      Field fields[G_N_ELEMENTS (keys)];
      g_autofree char *name = NULL;
      yaml_node_t *n;

      /* A bare name is fine too: networks: [lan, dmz] */
      if (entry->type == YAML_SCALAR_NODE)
        n = entry;
      else if (!read_mapping (r, entry, _("a network"), keys, fields))
        continue;
      else if ((n = field (fields, "name")) == NULL)
        {
          NODE_PROBLEM (r, entry, _("a network needs a “name”"));
          continue;
        }
      name = read_string (r, n, "name");
      if (name == NULL || !check_name (r, n, _("network name"), name))
        continue;
      if (terra_lab_find_network (lab, name) != NULL)
        NODE_PROBLEM (r, n, _("network “%s” is declared twice"), name);
      else
        {
          TerraLabNetwork *net = g_new0 (TerraLabNetwork, 1);
          net->name = g_steal_pointer (&name);
          if (entry->type == YAML_MAPPING_NODE)
            net->description = read_string (r, field (fields, "description"), "description");
          g_ptr_array_add (lab->networks, net);
        }
    }
}

static void
read_lab (Reader      *r,
          TerraLab    *lab,
          yaml_node_t *root)
{
  static const char * const keys[] = { "format", "name", "description", "notes", "networks", "vms", NULL };
  Field fields[G_N_ELEMENTS (keys)];
  yaml_node_t *n;
  guint64 format = 0;

  if (!read_mapping (r, root, _("a lab file"), keys, fields))
    return;

  if ((n = field (fields, "format")) == NULL)
    NODE_PROBLEM (r, root, _("the file needs “format: %d” (the lab file format it is written in)"), TERRA_LAB_FORMAT);
  else if (read_number (r, n, "format", _("(format version)"), 1, G_MAXUINT, &format) && format != TERRA_LAB_FORMAT)
    NODE_PROBLEM (r, n, _("this is lab format %" G_GUINT64_FORMAT "; this version of Terrarium reads format %d"),
                  format, TERRA_LAB_FORMAT);

  if ((n = field (fields, "name")) == NULL)
    NODE_PROBLEM (r, root, _("the lab needs a “name”"));
  else if ((lab->name = read_string (r, n, "name")) != NULL && !check_name (r, n, _("lab name"), lab->name))
    g_clear_pointer (&lab->name, g_free);

  lab->description = read_string (r, field (fields, "description"), "description");
  lab->notes = read_string (r, field (fields, "notes"), "notes");
  read_networks (r, lab, field (fields, "networks"));
  for (guint i = 0; i < lab->networks->len && lab->name != NULL; i++)
    {
      TerraLabNetwork *net = g_ptr_array_index (lab->networks, i);
      net->segment = terra_lab_segment_for (lab->name, net->name);
    }

  if ((n = field (fields, "vms")) == NULL)
    NODE_PROBLEM (r, root, _("the lab needs “vms”, a list of virtual machines"));
  else if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.start == n->data.sequence.items.top)
    {
      g_autofree char *got = n->type == YAML_SEQUENCE_NODE ? g_strdup (_("an empty list")) : describe (n);
      NODE_PROBLEM (r, n, _("vms must be a list of at least one VM, got %s"), got);
    }
  else
    for (yaml_node_item_t *item = n->data.sequence.items.start; item < n->data.sequence.items.top; item++)
      read_vm (r, lab, yaml_document_get_node (r->doc, *item));
}

static int
compare_problems (gconstpointer a,
                  gconstpointer b)
{
  const TerraLabProblem *pa = *(TerraLabProblem * const *)a;
  const TerraLabProblem *pb = *(TerraLabProblem * const *)b;

  if (pa->line != pb->line)
    return pa->line < pb->line ? -1 : 1;
  return pa->column < pb->column ? -1 : pa->column > pb->column;
}

/**
 * terra_lab_load_from_data:
 * @data: the file's contents (UTF-8 YAML)
 * @length: length of @data, or -1 when NUL-terminated
 * @path: the file's path as the user named it (relative sources are looked
 *   up next to it; messages name it)
 * @problems: (out) (optional) (element-type TerraLabProblem) (transfer full):
 *   every problem found, sorted by line and column
 * @error: %TERRA_ERROR_INVALID_LAB when there is any problem (the message
 *   lists them all, one "FILE:LINE:COLUMN: what" per line)
 *
 * Reads and checks a lab: YAML syntax, keys (unknown ones are errors),
 * types and ranges, names (unique; usable in domain names), networks
 * (declared before use), sources (local files exist and are ISOs or qcow2/raw
 * images without a backing file — qemu-img inspects them; URLs come with a
 * SHA-256; OS ids are in libosinfo's database with x86_64 media). Blocking
 * (file checks, qemu-img): call from a worker thread in the GUI.
 *
 * Returns: (transfer full) (nullable): the lab, or %NULL with @problems
 */
TerraLab *
terra_lab_load_from_data (const char  *data,
                          gssize       length,
                          const char  *path,
                          GPtrArray  **problems,
                          GError     **error)
{
  g_autoptr(TerraLab) lab = g_new0 (TerraLab, 1);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_lab_problem_free);
  g_autofree char *cwd = g_get_current_dir ();
  yaml_parser_t parser;
  yaml_document_t doc;
  Reader r = { &doc, path, NULL, found };

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  lab->path = g_canonicalize_filename (path, cwd);
  lab->display_path = g_strdup (path);
  lab->directory = g_path_get_dirname (lab->path);
  lab->vms = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_lab_vm_free);
  lab->networks = g_ptr_array_new_with_free_func ((GDestroyNotify)terra_lab_network_free);
  r.directory = lab->directory;

  if (!g_utf8_validate (data, length, NULL))
    add_problem (&r, 1, 1, _("the file is not UTF-8 text"));
  else
    {
      yaml_parser_initialize (&parser);
      yaml_parser_set_input_string (&parser, (const unsigned char *)data, length);
      if (!yaml_parser_load (&parser, &doc))
        add_problem (&r, parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                     _("YAML syntax error: %s%s%s"), parser.problem ? parser.problem : _("unreadable"),
                     parser.context ? ", " : "", parser.context ? parser.context : "");
      else
        {
          yaml_node_t *root = yaml_document_get_root_node (&doc);
          if (root == NULL)
            add_problem (&r, 1, 1, _("the file is empty; a lab needs at least “format”, “name” and “vms”"));
          else
            read_lab (&r, lab, root);
          yaml_document_delete (&doc);
        }
      yaml_parser_delete (&parser);
    }

  g_ptr_array_sort (found, compare_problems);  /* stable: file order */
  if (found->len > 0)
    {
      g_autofree char *text = terra_lab_format_problems (found);
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_INVALID_LAB, "%s", text);
      if (problems != NULL)
        *problems = g_steal_pointer (&found);
      return NULL;
    }
  if (problems != NULL)
    *problems = g_steal_pointer (&found);
  return g_steal_pointer (&lab);
}

/**
 * terra_lab_load:
 * @path: a lab file
 * @problems: (out) (optional) (element-type TerraLabProblem) (transfer full):
 *   as terra_lab_load_from_data()
 * @error: %TERRA_ERROR_NOT_FOUND when the file cannot be read; otherwise as
 *   terra_lab_load_from_data()
 *
 * Reads and checks the lab file at @path (see terra_lab_load_from_data()).
 *
 * Returns: (transfer full) (nullable): the lab
 */
TerraLab *
terra_lab_load (const char  *path,
                GPtrArray  **problems,
                GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, TERRA_ERROR, TERRA_ERROR_NOT_FOUND, _("Could not read the lab file “%s”: %s"),
                   path, local_error->message);
      return NULL;
    }
  return terra_lab_load_from_data (data, length, path, problems, error);
}

/**
 * terra_lab_free:
 * @lab: (nullable): a lab
 */
void
terra_lab_free (TerraLab *lab)
{
  if (lab == NULL)
    return;
  g_free (lab->path);
  g_free (lab->display_path);
  g_free (lab->directory);
  g_free (lab->name);
  g_free (lab->description);
  g_free (lab->notes);
  g_clear_pointer (&lab->vms, g_ptr_array_unref);
  g_clear_pointer (&lab->networks, g_ptr_array_unref);
  g_free (lab);
}

/**
 * terra_lab_find_vm:
 * @lab: a lab
 * @name: a VM's name in the lab, or its domain name
 *
 * Returns: (transfer none) (nullable): the VM
 */
TerraLabVm *
terra_lab_find_vm (TerraLab   *lab,
                   const char *name)
{
  for (guint i = 0; i < lab->vms->len; i++)
    {
      TerraLabVm *vm = g_ptr_array_index (lab->vms, i);
      if (g_strcmp0 (vm->name, name) == 0 || g_strcmp0 (vm->domain_name, name) == 0)
        return vm;
    }
  return NULL;
}

/**
 * terra_lab_find_network:
 * @lab: a lab
 * @name: a network's name
 *
 * Returns: (transfer none) (nullable): the network
 */
TerraLabNetwork *
terra_lab_find_network (TerraLab   *lab,
                        const char *name)
{
  for (guint i = 0; i < lab->networks->len; i++)
    {
      TerraLabNetwork *net = g_ptr_array_index (lab->networks, i);
      if (g_strcmp0 (net->name, name) == 0)
        return net;
    }
  return NULL;
}
