// @generated automatically by Diesel CLI.

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

diesel::joinable!(consistency_group_share_type_mappings -> consistency_groups (consistency_group_id));
diesel::joinable!(consistency_group_share_type_mappings -> share_types (share_type_id));
diesel::joinable!(consistency_groups -> share_networks (share_network_id));
diesel::joinable!(share_type_extra_specs -> share_types (share_type_id));
diesel::joinable!(share_type_projects -> share_types (share_type_id));

diesel::allow_tables_to_appear_in_same_query!(
    consistency_group_share_type_mappings,
    consistency_groups,
    jobs,
    share_networks,
    share_type_extra_specs,
    share_type_projects,
    share_types,
);
