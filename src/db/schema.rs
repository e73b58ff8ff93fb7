// @generated automatically by Diesel CLI.

diesel::table! {
    cgsnapshot_members (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        cgsnapshot_id -> Varchar,
        #[max_length = 36]
        share_id -> Varchar,
        #[max_length = 36]
        share_instance_id -> Varchar,
        #[max_length = 36]
        share_type_id -> Varchar,
        size -> Int4,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 255]
        share_proto -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    cgsnapshots (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        consistency_group_id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        #[max_length = 255]
        status -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    consistency_group_share_type_mappings (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        consistency_group_id -> Varchar,
        #[max_length = 36]
        share_type_id -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    consistency_groups (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        host -> Nullable<Varchar>,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 36]
        source_cgsnapshot_id -> Nullable<Varchar>,
        #[max_length = 36]
        share_network_id -> Nullable<Varchar>,
        #[max_length = 36]
        share_server_id -> Nullable<Varchar>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    jobs (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 64]
        kind -> Varchar,
        #[max_length = 36]
        resource_id -> Varchar,
        #[max_length = 16]
        status -> Varchar,
        attempts -> Int4,
        #[max_length = 255]
        claimed_by -> Nullable<Varchar>,
        lease_expires_at -> Nullable<Timestamp>,
        run_after -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_export_locations (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        share_id -> Varchar,
        #[max_length = 2000]
        path -> Varchar,
        is_admin_only -> Bool,
        preferred -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_metadata (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        share_id -> Varchar,
        #[max_length = 255]
        key -> Varchar,
        #[max_length = 1023]
        value -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_networks (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 36]
        neutron_net_id -> Nullable<Varchar>,
        #[max_length = 36]
        neutron_subnet_id -> Nullable<Varchar>,
        #[max_length = 32]
        network_type -> Nullable<Varchar>,
        segmentation_id -> Nullable<Int4>,
        #[max_length = 64]
        cidr -> Nullable<Varchar>,
        #[max_length = 64]
        gateway -> Nullable<Varchar>,
        mtu -> Nullable<Int4>,
        ip_version -> Nullable<Int4>,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_type_extra_specs (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        share_type_id -> Varchar,
        #[max_length = 255]
        spec_key -> Varchar,
        #[max_length = 255]
        spec_value -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_type_projects (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        share_type_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    share_types (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        name -> Varchar,
        is_public -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    shares (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        size -> Int4,
        #[max_length = 255]
        display_name -> Nullable<Varchar>,
        #[max_length = 255]
        display_description -> Nullable<Varchar>,
        #[max_length = 255]
        share_proto -> Varchar,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 255]
        task_state -> Nullable<Varchar>,
        #[max_length = 255]
        access_rules_status -> Varchar,
        #[max_length = 255]
        host -> Nullable<Varchar>,
        #[max_length = 255]
        availability_zone -> Nullable<Varchar>,
        #[max_length = 36]
        share_type_id -> Nullable<Varchar>,
        #[max_length = 36]
        share_network_id -> Nullable<Varchar>,
        #[max_length = 36]
        share_server_id -> Nullable<Varchar>,
        #[max_length = 36]
        snapshot_id -> Nullable<Varchar>,
        snapshot_support -> Bool,
        is_public -> Bool,
        #[max_length = 36]
        consistency_group_id -> Nullable<Varchar>,
        #[max_length = 36]
        source_cgsnapshot_member_id -> Nullable<Varchar>,
        scheduled_at -> Nullable<Timestamp>,
        launched_at -> Nullable<Timestamp>,
        terminated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
        create_share_from_snapshot_support -> Bool,
        revert_to_snapshot_support -> Bool,
        #[max_length = 255]
        replication_type -> Nullable<Varchar>,
    }
}

diesel::table! {
    volume_cgsnapshots (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        consistencygroup_id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        #[max_length = 255]
        status -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    volume_consistency_groups (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        host -> Nullable<Varchar>,
        #[max_length = 255]
        availability_zone -> Varchar,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        volume_type_ids -> Text,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 36]
        cgsnapshot_id -> Nullable<Varchar>,
        #[max_length = 36]
        source_cgid -> Nullable<Varchar>,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    volume_quota_usages (project_id, resource) {
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        resource -> Varchar,
        in_use -> Int4,
    }
}

diesel::table! {
    volume_snapshots (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 36]
        volume_id -> Varchar,
        #[max_length = 36]
        cgsnapshot_id -> Nullable<Varchar>,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 255]
        progress -> Varchar,
        volume_size -> Int4,
        #[max_length = 36]
        volume_type_id -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    volume_type_extra_specs (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 36]
        volume_type_id -> Varchar,
        #[max_length = 255]
        spec_key -> Varchar,
        #[max_length = 255]
        spec_value -> Varchar,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    volume_types (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        name -> Varchar,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        is_public -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::table! {
    volumes (id) {
        #[max_length = 36]
        id -> Varchar,
        #[max_length = 255]
        user_id -> Varchar,
        #[max_length = 255]
        project_id -> Varchar,
        #[max_length = 255]
        host -> Nullable<Varchar>,
        size -> Int4,
        #[max_length = 255]
        availability_zone -> Varchar,
        #[max_length = 255]
        status -> Varchar,
        #[max_length = 255]
        attach_status -> Varchar,
        #[max_length = 255]
        name -> Nullable<Varchar>,
        #[max_length = 255]
        description -> Nullable<Varchar>,
        #[max_length = 36]
        volume_type_id -> Varchar,
        #[max_length = 36]
        consistencygroup_id -> Nullable<Varchar>,
        #[max_length = 36]
        snapshot_id -> Nullable<Varchar>,
        #[max_length = 36]
        source_volid -> Nullable<Varchar>,
        bootable -> Bool,
        created_at -> Timestamp,
        updated_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
        #[max_length = 36]
        deleted -> Varchar,
    }
}

diesel::joinable!(cgsnapshot_members -> cgsnapshots (cgsnapshot_id));
diesel::joinable!(cgsnapshot_members -> share_types (share_type_id));
diesel::joinable!(cgsnapshot_members -> shares (share_id));
diesel::joinable!(cgsnapshots -> consistency_groups (consistency_group_id));
diesel::joinable!(consistency_group_share_type_mappings -> consistency_groups (consistency_group_id));
diesel::joinable!(consistency_group_share_type_mappings -> share_types (share_type_id));
diesel::joinable!(consistency_groups -> share_networks (share_network_id));
diesel::joinable!(share_export_locations -> shares (share_id));
diesel::joinable!(share_metadata -> shares (share_id));
diesel::joinable!(share_type_extra_specs -> share_types (share_type_id));
diesel::joinable!(share_type_projects -> share_types (share_type_id));
diesel::joinable!(shares -> consistency_groups (consistency_group_id));
diesel::joinable!(shares -> share_networks (share_network_id));
diesel::joinable!(shares -> share_types (share_type_id));
diesel::joinable!(volume_cgsnapshots -> volume_consistency_groups (consistencygroup_id));
diesel::joinable!(volume_snapshots -> volume_cgsnapshots (cgsnapshot_id));
diesel::joinable!(volume_snapshots -> volumes (volume_id));
diesel::joinable!(volume_type_extra_specs -> volume_types (volume_type_id));
diesel::joinable!(volumes -> volume_consistency_groups (consistencygroup_id));
diesel::joinable!(volumes -> volume_types (volume_type_id));

diesel::allow_tables_to_appear_in_same_query!(
    cgsnapshot_members,
    cgsnapshots,
    consistency_group_share_type_mappings,
    consistency_groups,
    jobs,
    share_export_locations,
    share_metadata,
    share_networks,
    share_type_extra_specs,
    share_type_projects,
    share_types,
    shares,
    volume_cgsnapshots,
    volume_consistency_groups,
    volume_quota_usages,
    volume_snapshots,
    volume_type_extra_specs,
    volume_types,
    volumes,
);
