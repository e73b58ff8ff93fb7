//! The rules in code: one entry for every policy name the server checks,
//! with upstream's default (`etc/manila/policy.json` of the CG era,
//! reference section 12.1), what it is for and the operations it guards.
//! A policy file overrides them name by name; `manila-cg-api policy
//! sample` prints them.

/// One documented default, as oslo.policy's `DocumentedRuleDefault`.
#[derive(Clone, Copy, Debug)]
pub struct RuleDefault {
    pub name: &'static str,
    pub check_str: &'static str,
    pub description: &'static str,
    /// `(method, path)`; paths are under `/v2` (share types also `/v1`).
    pub operations: &'static [(&'static str, &'static str)],
}

const fn rule(
    name: &'static str,
    check_str: &'static str,
    description: &'static str,
    operations: &'static [(&'static str, &'static str)],
) -> RuleDefault {
    RuleDefault {
        name,
        check_str,
        description,
        operations,
    }
}

const CGS: &str = "/{project_id}/consistency-groups";
const CG: &str = "/{project_id}/consistency-groups/{consistency_group_id}";
const CG_ACTION: &str = "/{project_id}/consistency-groups/{consistency_group_id}/action";
const CGSNAPSHOTS: &str = "/{project_id}/cgsnapshots";
const CGSNAPSHOT: &str = "/{project_id}/cgsnapshots/{cgsnapshot_id}";
const CGSNAPSHOT_ACTION: &str = "/{project_id}/cgsnapshots/{cgsnapshot_id}/action";
const SHARES: &str = "/{project_id}/shares";
const SHARE: &str = "/{project_id}/shares/{share_id}";
const SHARE_ACTION: &str = "/{project_id}/shares/{share_id}/action";
const TYPES: &str = "/{project_id}/types";
const TYPE: &str = "/{project_id}/types/{share_type_id}";
const SPECS: &str = "/{project_id}/types/{share_type_id}/extra_specs";
const SPEC: &str = "/{project_id}/types/{share_type_id}/extra_specs/{extra_spec_key}";
const NETWORKS: &str = "/{project_id}/share-networks";
const NETWORK: &str = "/{project_id}/share-networks/{share_network_id}";
const V_CGS: &str = "/v3/{project_id}/consistencygroups";
const V_CG: &str = "/v3/{project_id}/consistencygroups/{consistencygroup_id}";
const V_CGSNAPSHOTS: &str = "/v3/{project_id}/cgsnapshots";
const V_CGSNAPSHOT: &str = "/v3/{project_id}/cgsnapshots/{cgsnapshot_id}";
const V_VOLUMES: &str = "/v3/{project_id}/volumes";
const V_VOLUME: &str = "/v3/{project_id}/volumes/{volume_id}";
const V_VOLUME_ACTION: &str = "/v3/{project_id}/volumes/{volume_id}/action";
const V_SNAPSHOTS: &str = "/v3/{project_id}/snapshots";
const V_SNAPSHOT: &str = "/v3/{project_id}/snapshots/{snapshot_id}";
const V_TYPES: &str = "/v3/{project_id}/types";
const V_TYPE: &str = "/v3/{project_id}/types/{volume_type_id}";
const V_TYPE_SPECS: &str = "/v3/{project_id}/types/{volume_type_id}/extra_specs";
const V_TYPE_SPEC: &str = "/v3/{project_id}/types/{volume_type_id}/extra_specs/{key}";

pub const DEFAULTS: &[RuleDefault] = &[
    rule(
        "context_is_admin",
        "role:admin",
        "Decides who is an administrator: evaluated once per request against the caller's roles, \
         its answer is the is_admin the other rules and the API see.",
        &[],
    ),
    rule(
        "admin_or_owner",
        "is_admin:True or project_id:%(project_id)s",
        "An administrator, or a caller acting on its own project.",
        &[],
    ),
    rule(
        "default",
        "rule:admin_or_owner",
        "The rule of any policy name that has no rule of its own.",
        &[],
    ),
    rule("admin_api", "is_admin:True", "Administrators only.", &[]),
    // Consistency groups.
    rule(
        "consistency_group:create",
        "rule:default",
        "Create a consistency group.",
        &[("POST", CGS)],
    ),
    rule(
        "consistency_group:get",
        "rule:default",
        "Show a consistency group.",
        &[("GET", CG)],
    ),
    rule(
        "consistency_group:get_all",
        "rule:default",
        "List consistency groups.",
        &[("GET", CGS), ("GET", "/{project_id}/consistency-groups/detail")],
    ),
    rule(
        "consistency_group:update",
        "rule:default",
        "Rename or describe a consistency group.",
        &[("PUT", CG)],
    ),
    rule(
        "consistency_group:delete",
        "rule:default",
        "Delete a consistency group.",
        &[("DELETE", CG)],
    ),
    rule(
        "consistency_group:reset_status",
        "rule:admin_api",
        "Reset a consistency group's status (action reset_status).",
        &[("POST", CG_ACTION)],
    ),
    rule(
        "consistency_group:force_delete",
        "rule:admin_api",
        "Delete a consistency group in any status (action force_delete).",
        &[("POST", CG_ACTION)],
    ),
    // Consistency group snapshots.
    rule(
        "cgsnapshot:create",
        "rule:default",
        "Create a snapshot of a consistency group.",
        &[("POST", CGSNAPSHOTS)],
    ),
    rule(
        "cgsnapshot:get_cgsnapshot",
        "rule:default",
        "Show a consistency group snapshot or its members.",
        &[
            ("GET", CGSNAPSHOT),
            ("GET", "/{project_id}/cgsnapshots/{cgsnapshot_id}/members"),
        ],
    ),
    rule(
        "cgsnapshot:get_all",
        "rule:default",
        "List consistency group snapshots.",
        &[("GET", CGSNAPSHOTS), ("GET", "/{project_id}/cgsnapshots/detail")],
    ),
    rule(
        "cgsnapshot:update",
        "rule:default",
        "Rename or describe a consistency group snapshot.",
        &[("PUT", CGSNAPSHOT)],
    ),
    rule(
        "cgsnapshot:delete",
        "rule:default",
        "Delete a consistency group snapshot.",
        &[("DELETE", CGSNAPSHOT)],
    ),
    rule(
        "cgsnapshot:reset_status",
        "rule:admin_api",
        "Reset a consistency group snapshot's status (action reset_status).",
        &[("POST", CGSNAPSHOT_ACTION)],
    ),
    rule(
        "cgsnapshot:force_delete",
        "rule:admin_api",
        "Delete a consistency group snapshot in any status (action force_delete).",
        &[("POST", CGSNAPSHOT_ACTION)],
    ),
    // Shares.
    rule(
        "share:create",
        "",
        "Create a share, in a consistency group or not.",
        &[("POST", SHARES)],
    ),
    rule("share:get", "rule:default", "Show a share.", &[("GET", SHARE)]),
    rule(
        "share:get_all",
        "rule:default",
        "List shares.",
        &[("GET", SHARES), ("GET", "/{project_id}/shares/detail")],
    ),
    rule("share:update", "rule:default", "Update a share.", &[("PUT", SHARE)]),
    rule("share:delete", "rule:default", "Delete a share.", &[("DELETE", SHARE)]),
    rule(
        "share:reset_status",
        "rule:admin_api",
        "Reset a share's status (action reset_status, os-reset_status before 2.7).",
        &[("POST", SHARE_ACTION)],
    ),
    rule(
        "share:force_delete",
        "rule:admin_api",
        "Delete a share in any status (action force_delete, os-force_delete before 2.7).",
        &[("POST", SHARE_ACTION)],
    ),
    rule(
        "share_export_location:index",
        "rule:default",
        "List a share's export locations (from 2.9).",
        &[("GET", "/{project_id}/shares/{share_id}/export_locations")],
    ),
    rule(
        "share_export_location:show",
        "rule:default",
        "Show one export location of a share (from 2.9).",
        &[(
            "GET",
            "/{project_id}/shares/{share_id}/export_locations/{export_location_id}",
        )],
    ),
    // Share types.
    rule(
        "share_type:index",
        "rule:default",
        "List share types.",
        &[("GET", TYPES)],
    ),
    rule(
        "share_type:show",
        "rule:default",
        "Show a share type.",
        &[("GET", TYPE)],
    ),
    rule(
        "share_type:default",
        "rule:default",
        "Show the default share type.",
        &[("GET", "/{project_id}/types/default")],
    ),
    rule(
        "share_type:create",
        "rule:admin_api",
        "Create a share type.",
        &[("POST", TYPES)],
    ),
    rule(
        "share_type:delete",
        "rule:admin_api",
        "Delete a share type.",
        &[("DELETE", TYPE)],
    ),
    rule(
        "share_types_extra_spec:index",
        "rule:admin_api",
        "List a share type's extra specs.",
        &[("GET", SPECS)],
    ),
    rule(
        "share_types_extra_spec:show",
        "rule:admin_api",
        "Show one extra spec of a share type.",
        &[("GET", SPEC)],
    ),
    rule(
        "share_types_extra_spec:create",
        "rule:admin_api",
        "Set extra specs of a share type.",
        &[("POST", SPECS)],
    ),
    rule(
        "share_types_extra_spec:update",
        "rule:admin_api",
        "Change one extra spec of a share type.",
        &[("PUT", SPEC)],
    ),
    rule(
        "share_types_extra_spec:delete",
        "rule:admin_api",
        "Unset one extra spec of a share type.",
        &[("DELETE", SPEC)],
    ),
    // Share networks.
    rule(
        "share_network:create",
        "rule:default",
        "Create a share network.",
        &[("POST", NETWORKS)],
    ),
    rule(
        "share_network:index",
        "rule:default",
        "List share networks.",
        &[("GET", NETWORKS)],
    ),
    rule(
        "share_network:detail",
        "rule:default",
        "List share networks with details.",
        &[("GET", "/{project_id}/share-networks/detail")],
    ),
    rule(
        "share_network:show",
        "rule:default",
        "Show a share network.",
        &[("GET", NETWORK)],
    ),
    rule(
        "share_network:update",
        "rule:default",
        "Update a share network.",
        &[("PUT", NETWORK)],
    ),
    rule(
        "share_network:delete",
        "rule:default",
        "Delete a share network.",
        &[("DELETE", NETWORK)],
    ),
    rule(
        "share_network:get_all_share_networks",
        "rule:admin_api",
        "List the share networks of every project (all_tenants) or of another project (project_id).",
        &[
            ("GET", "/{project_id}/share-networks?all_tenants=1"),
            ("GET", "/{project_id}/share-networks/detail?all_tenants=1"),
        ],
    ),
    // Cinder's volume API: its base rules (Cinder 29's, which check no
    // scope: the `admin` role anywhere passes as the system persona).
    rule(
        "xena_system_admin_or_project_reader",
        "(role:admin) or (role:reader and project_id:%(project_id)s)",
        "Cinder: an administrator, or a reader of the project that owns the resource.",
        &[],
    ),
    rule(
        "xena_system_admin_or_project_member",
        "(role:admin) or (role:member and project_id:%(project_id)s)",
        "Cinder: an administrator, or a member of the project that owns the resource.",
        &[],
    ),
    // Cinder's consistency groups, checked as the generic groups they are in Cinder.
    rule(
        "group:get_all",
        "rule:xena_system_admin_or_project_reader",
        "List consistency groups (Cinder).",
        &[("GET", V_CGS), ("GET", "/v3/{project_id}/consistencygroups/detail")],
    ),
    rule(
        "group:get",
        "rule:xena_system_admin_or_project_reader",
        "Show a consistency group (Cinder).",
        &[("GET", V_CG)],
    ),
    rule(
        "group:create",
        "rule:xena_system_admin_or_project_member",
        "Create a consistency group, also from a source (Cinder).",
        &[
            ("POST", V_CGS),
            ("POST", "/v3/{project_id}/consistencygroups/create_from_src"),
        ],
    ),
    rule(
        "group:update",
        "rule:xena_system_admin_or_project_member",
        "Update a consistency group: name, description, member volumes (Cinder).",
        &[
            ("PUT", V_CG),
            ("PUT", "/v3/{project_id}/consistencygroups/{consistencygroup_id}/update"),
        ],
    ),
    rule(
        "group:delete",
        "rule:xena_system_admin_or_project_member",
        "Delete a consistency group (Cinder).",
        &[(
            "POST",
            "/v3/{project_id}/consistencygroups/{consistencygroup_id}/delete",
        )],
    ),
    rule(
        "group:get_all_group_snapshots",
        "rule:xena_system_admin_or_project_reader",
        "List cgsnapshots (Cinder).",
        &[("GET", V_CGSNAPSHOTS), ("GET", "/v3/{project_id}/cgsnapshots/detail")],
    ),
    rule(
        "group:get_group_snapshot",
        "rule:xena_system_admin_or_project_reader",
        "Show a cgsnapshot (Cinder).",
        &[("GET", V_CGSNAPSHOT)],
    ),
    rule(
        "group:create_group_snapshot",
        "rule:xena_system_admin_or_project_member",
        "Create a cgsnapshot (Cinder).",
        &[("POST", V_CGSNAPSHOTS)],
    ),
    rule(
        "group:delete_group_snapshot",
        "rule:xena_system_admin_or_project_member",
        "Delete a cgsnapshot (Cinder).",
        &[("DELETE", V_CGSNAPSHOT)],
    ),
    rule(
        "group:access_group_types_specs",
        "role:admin",
        "Show a group type's specs (Cinder's generic groups).",
        &[("GET", "/v3/{project_id}/group_types")],
    ),
    // Cinder's volumes, snapshots and volume types.
    rule(
        "volume:create",
        "rule:xena_system_admin_or_project_member",
        "Create a volume.",
        &[("POST", V_VOLUMES)],
    ),
    rule(
        "volume:get",
        "rule:xena_system_admin_or_project_reader",
        "Show a volume.",
        &[("GET", V_VOLUME)],
    ),
    rule(
        "volume:get_all",
        "rule:xena_system_admin_or_project_reader",
        "List volumes.",
        &[("GET", V_VOLUMES), ("GET", "/v3/{project_id}/volumes/detail")],
    ),
    rule(
        "volume:update",
        "rule:xena_system_admin_or_project_member",
        "Rename or describe a volume.",
        &[("PUT", V_VOLUME)],
    ),
    rule(
        "volume:delete",
        "rule:xena_system_admin_or_project_member",
        "Delete a volume.",
        &[("DELETE", V_VOLUME)],
    ),
    rule(
        "volume_extension:volume_admin_actions:reset_status",
        "role:admin",
        "Reset a volume's status (os-reset_status).",
        &[("POST", V_VOLUME_ACTION)],
    ),
    rule(
        "volume_extension:volume_admin_actions:force_delete",
        "role:admin",
        "Delete a volume whatever its status (os-force_delete).",
        &[("POST", V_VOLUME_ACTION)],
    ),
    rule(
        "volume:get_all_snapshots",
        "rule:xena_system_admin_or_project_reader",
        "List snapshots.",
        &[("GET", V_SNAPSHOTS), ("GET", "/v3/{project_id}/snapshots/detail")],
    ),
    rule(
        "volume:get_snapshot",
        "rule:xena_system_admin_or_project_reader",
        "Show a snapshot.",
        &[("GET", V_SNAPSHOT)],
    ),
    rule(
        "volume:delete_snapshot",
        "rule:xena_system_admin_or_project_member",
        "Delete a snapshot.",
        &[("DELETE", V_SNAPSHOT)],
    ),
    rule(
        "volume_extension:type_create",
        "role:admin",
        "Create a volume type.",
        &[("POST", V_TYPES)],
    ),
    rule(
        "volume_extension:type_delete",
        "role:admin",
        "Delete a volume type.",
        &[("DELETE", V_TYPE)],
    ),
    rule(
        "volume_extension:type_get",
        "",
        "Show a volume type.",
        &[("GET", V_TYPE)],
    ),
    rule(
        "volume_extension:type_get_all",
        "",
        "List volume types.",
        &[("GET", V_TYPES)],
    ),
    rule(
        "volume_extension:types_extra_specs:index",
        "rule:xena_system_admin_or_project_reader",
        "List a volume type's extra specs.",
        &[("GET", V_TYPE_SPECS)],
    ),
    rule(
        "volume_extension:types_extra_specs:show",
        "rule:xena_system_admin_or_project_reader",
        "Show one extra spec of a volume type.",
        &[("GET", V_TYPE_SPEC)],
    ),
    rule(
        "volume_extension:types_extra_specs:create",
        "role:admin",
        "Set extra specs of a volume type.",
        &[("POST", V_TYPE_SPECS)],
    ),
    rule(
        "volume_extension:types_extra_specs:update",
        "role:admin",
        "Change one extra spec of a volume type.",
        &[("PUT", V_TYPE_SPEC)],
    ),
    rule(
        "volume_extension:types_extra_specs:delete",
        "role:admin",
        "Remove one extra spec of a volume type.",
        &[("DELETE", V_TYPE_SPEC)],
    ),
    // What the views of volumes, snapshots and types show beyond the
    // basics: Cinder decides each field with its own rule.
    rule(
        "volume_extension:volume_host_attribute",
        "role:admin",
        "Show a volume's host (os-vol-host-attr:host).",
        &[("GET", V_VOLUME), ("GET", "/v3/{project_id}/volumes/detail")],
    ),
    rule(
        "volume_extension:volume_tenant_attribute",
        "rule:xena_system_admin_or_project_reader",
        "Show a volume's project (os-vol-tenant-attr:tenant_id).",
        &[("GET", V_VOLUME), ("GET", "/v3/{project_id}/volumes/detail")],
    ),
    rule(
        "volume_extension:volume_mig_status_attribute",
        "role:admin",
        "Show a volume's migration status (os-vol-mig-status-attr:migstat and name_id).",
        &[("GET", V_VOLUME), ("GET", "/v3/{project_id}/volumes/detail")],
    ),
    rule(
        "volume_extension:extended_snapshot_attributes",
        "rule:xena_system_admin_or_project_reader",
        "Show a snapshot's project and progress (os-extended-snapshot-attributes).",
        &[("GET", V_SNAPSHOT), ("GET", "/v3/{project_id}/snapshots/detail")],
    ),
    rule(
        "volume_extension:access_types_extra_specs",
        "rule:xena_system_admin_or_project_reader",
        "Show a volume type's extra specs.",
        &[("GET", V_TYPES), ("GET", V_TYPE)],
    ),
    rule(
        "volume_extension:types_extra_specs:read_sensitive",
        "role:admin",
        "Show every extra spec of a volume type, not only the ones users may see.",
        &[("GET", V_TYPES), ("GET", V_TYPE)],
    ),
    rule(
        "volume_extension:access_types_qos_specs_id",
        "role:admin",
        "Show a volume type's QoS specs id.",
        &[("GET", V_TYPES), ("GET", V_TYPE)],
    ),
    rule(
        "volume_extension:volume_type_access",
        "rule:xena_system_admin_or_project_member",
        "Show whether a volume type is public (os-volume-type-access:is_public).",
        &[("GET", V_TYPES), ("GET", V_TYPE), ("POST", V_TYPES)],
    ),
];

/// Every default as commented YAML, in the layout of
/// `oslopolicy-sample-generator`: a file to copy and uncomment from.
pub fn sample() -> String {
    let mut out = String::from(
        "# The policy rules of manila-cg-api and their defaults, as\n\
         # `manila-cg-api policy sample` prints them. Uncomment and change a rule\n\
         # to override it; a rule left out keeps its default. Manila's paths are\n\
         # under /v2 (share types also under /v1); Cinder's are shown under /v3\n\
         # and are the same under /v2.\n\n",
    );
    for default in DEFAULTS {
        for line in wrap(default.description, 70) {
            out.push_str("# ");
            out.push_str(&line);
            out.push('\n');
        }
        for (method, path) in default.operations {
            out.push_str(&format!("# {method}  {path}\n"));
        }
        // A rule too long for one line folds onto indented ones, which a
        // double-quoted YAML string reads back as single spaces.
        let line = format!("\"{}\": \"{}\"", default.name, default.check_str);
        for (n, part) in wrap(&line, 75).iter().enumerate() {
            out.push_str(if n == 0 { "#" } else { "#  " });
            out.push_str(part);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

/// Greedy word wrap; a word longer than `width` gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::policy::parser::parse_text;

    /// Policy names in the arguments of every `enforce(..)`,
    /// `enforce_on(..)` or (Cinder's) `authorize(..)` call in `src/`
    /// (outside this module).
    fn names_checked_in_sources() -> BTreeSet<String> {
        fn visit(dir: &Path, names: &mut BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("policy") {
                        visit(&path, names);
                    }
                } else if path.extension().is_some_and(|ext| ext == "rs") {
                    collect(&std::fs::read_to_string(&path).unwrap(), names);
                }
            }
        }
        // Manila's services check with `enforce`, Cinder's with `authorize`.
        fn collect(source: &str, names: &mut BTreeSet<String>) {
            for check in ["enforce", "authorize"] {
                collect_calls(source, check, names);
            }
        }
        fn collect_calls(source: &str, check: &str, names: &mut BTreeSet<String>) {
            let mut rest = source;
            while let Some(at) = rest.find(check) {
                rest = &rest[at + check.len()..];
                let call = rest.strip_prefix("_on").unwrap_or(rest);
                let Some(args) = call.strip_prefix('(') else {
                    continue;
                };
                let mut depth = 1;
                let end = args
                    .char_indices()
                    .find(|(_, c)| {
                        match c {
                            '(' => depth += 1,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map(|(index, _)| index)
                    .unwrap_or(args.len());
                for (index, literal) in args[..end].split('"').enumerate() {
                    let is_name = literal.contains(':')
                        && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == ':');
                    if index % 2 == 1 && is_name {
                        names.insert(literal.to_string());
                    }
                }
            }
        }
        let mut names = BTreeSet::new();
        visit(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut names);
        names
    }

    #[test]
    fn every_checked_name_has_a_default_and_every_default_is_checked() {
        let checked = names_checked_in_sources();
        assert!(checked.len() >= 30, "the scan found too little: {checked:?}");
        let defined: BTreeSet<String> = DEFAULTS.iter().map(|d| d.name.to_string()).collect();
        let missing: Vec<_> = checked.difference(&defined).collect();
        assert!(missing.is_empty(), "checked without a default: {missing:?}");
        let base = [
            "context_is_admin",
            "admin_or_owner",
            "default",
            "admin_api",
            "xena_system_admin_or_project_reader",
            "xena_system_admin_or_project_member",
        ];
        let unused: Vec<_> = defined
            .iter()
            .filter(|name| !checked.contains(*name) && !base.contains(&name.as_str()))
            .collect();
        assert!(unused.is_empty(), "defaults nothing checks: {unused:?}");
    }

    #[test]
    fn defaults_are_upstreams_and_parse_cleanly() {
        let mut seen = BTreeSet::new();
        for default in DEFAULTS {
            assert!(seen.insert(default.name), "{} twice", default.name);
            assert!(!default.description.is_empty(), "{}", default.name);
            let parsed = parse_text(default.check_str);
            assert!(parsed.problems.is_empty(), "{}: {:?}", default.name, parsed.problems);
            let base = [
                "context_is_admin",
                "admin_or_owner",
                "default",
                "admin_api",
                "xena_system_admin_or_project_reader",
                "xena_system_admin_or_project_member",
            ]
            .contains(&default.name);
            assert_eq!(default.operations.is_empty(), base, "{}", default.name);
        }
        let value = |name: &str| DEFAULTS.iter().find(|d| d.name == name).unwrap().check_str;
        assert_eq!(value("context_is_admin"), "role:admin");
        assert_eq!(value("admin_or_owner"), "is_admin:True or project_id:%(project_id)s");
        assert_eq!(value("default"), "rule:admin_or_owner");
        assert_eq!(value("admin_api"), "is_admin:True");
        assert_eq!(value("share:create"), "");
        assert_eq!(value("consistency_group:reset_status"), "rule:admin_api");
        assert_eq!(value("cgsnapshot:get_cgsnapshot"), "rule:default");
    }

    #[test]
    fn sample_layout_is_the_generators() {
        let sample = sample();
        assert!(sample.contains(
            "# Create a consistency group.\n# POST  /{project_id}/consistency-groups\n\
             #\"consistency_group:create\": \"rule:default\"\n\n"
        ));
        assert!(sample.contains("# Administrators only.\n#\"admin_api\": \"is_admin:True\"\n\n"));
        assert!(sample.contains("#\"share:create\": \"\"\n"));
        assert!(sample.lines().all(|line| line.len() <= 79), "{sample}");
    }

    #[test]
    fn wrap_breaks_at_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("", 6), Vec::<String>::new());
        assert_eq!(wrap("abcdefgh ij", 4), ["abcdefgh", "ij"]);
    }
}
