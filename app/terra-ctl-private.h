/* terra-ctl-private.h — what the parts of terrarium-ctl share
 *
 * Copyright 2026 The Terrarium authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "terra-budget.h"
#include "terra-connection.h"
#include "terra-machine.h"
#include "terra-machine-spec.h"
#include "terra-media-info.h"

G_BEGIN_DECLS

/* Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

#define SCREENSHOT_TIMEOUT_MS 15000
/* How long a guest's SPICE agent may take to connect (it starts with the guest's session). */
#define AGENT_TIMEOUT_MS 30000

typedef struct {
  const char *uri;
  TerraConnection *connection;
  guint64 reserve_mib; /* host reserve from the settings; 0 = automatic */
} Ctl;

/* Prints the error as one line on stderr; returns EXIT_FAIL. */
int      fail             (const GError *error);
/* Prints the message and a hint on stderr; returns EXIT_USAGE. */
int      usage_error      (const char   *message);
/* Connects to ctl->uri once. */
gboolean ensure_connected (Ctl          *ctl,
                           GError      **error);
/* @member = @value, or null when @value is NULL, in the open object. */
void     add_nullable_string (JsonBuilder *b,
                              const char  *member,
                              const char  *value);
/* Pretty-prints @node on stdout. */
void     print_json       (JsonNode     *node);
/* The report's verdict, totals and findings as members of the open object. */
void     add_report_json  (JsonBuilder  *b,
                           const TerraBudgetReport *report);
/* Findings on stderr; FALSE (after @force_hint) when over budget without @force. */
gboolean budget_allows    (const TerraBudgetReport *report,
                           gboolean      force,
                           const char   *force_hint);

/* Parses @entries; FALSE with *exit_code set on bad usage or a wrong
 * number of positional arguments. */
gboolean parse_options    (GOptionEntry   *entries,
                           const char     *parameter_string,
                           const char     *summary,
                           int            *argc,
                           char         ***argv,
                           int             n_positional,
                           int            *exit_code);

/* terra-ctl.c: the machine NAME or UUID names (NOT_FOUND otherwise). */
TerraMachine *find_machine      (Ctl                    *ctl,
                                 const char             *name_or_uuid,
                                 GError                **error);
/* The machine as a JSON object (what `list --json` prints for each). */
void          build_machine_json (JsonBuilder           *b,
                                  TerraMachine          *m);
/* The machine as one line of `list`. */
void          print_machine_line (TerraMachine          *m);
void          print_machine      (TerraMachine          *m,
                                  gboolean               json);
/* A new machine as the budget sees it. */
void          proposal_for_spec  (TerraProposal         *p,
                                  const TerraMachineSpec *spec,
                                  TerraMediaInfo        *media,
                                  gboolean               start);

/* terra-ctl-create.c */
int      terra_ctl_cmd_create   (Ctl   *ctl,
                                 int    argc,
                                 char **argv);

/* terra-ctl-osinfo.c */
int      terra_ctl_cmd_osinfo   (Ctl   *ctl,
                                 int    argc,
                                 char **argv);
int      terra_ctl_cmd_download (Ctl   *ctl,
                                 int    argc,
                                 char **argv);

/* terra-ctl-lab.c */
int      terra_ctl_cmd_lab (Ctl   *ctl,
                            int    argc,
                            char **argv);

G_END_DECLS
