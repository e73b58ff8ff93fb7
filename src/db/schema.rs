// @generated automatically by Diesel CLI.

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
