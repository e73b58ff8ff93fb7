//! Version negotiation on a route that answers every 2.x version
//! (reference sections 3.2-3.4 and DESIGN.md 4.4).

use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

const ADMIN: (&str, &str) = ("X-Auth-Token", "admin:admin");
const VERSION: &str = "X-OpenStack-Manila-API-Version";

both_backends!(every_version_in_range_is_served_and_echoed, |app: TestApp| async move {
    for minor in 0..=30 {
        let asked = format!("2.{minor}");
        let response = app.get("/v2/", &[ADMIN, (VERSION, &asked)]).await;
        assert_eq!(response.status, 200, "{asked}");
        assert_eq!(response.header("x-openstack-manila-api-version"), Some(asked.as_str()));
    }
});

both_backends!(
    malformed_versions_get_400_without_version_headers,
    |app: TestApp| async move {
        for asked in [
            "2", "2.1.4", "5.03", "02.1", "2.001", "5 .3", "5. 3", "2.0.1", "x.y", "LATEST", "Latest",
        ] {
            let response = app.get("/v2/", &[ADMIN, (VERSION, asked)]).await;
            assert_eq!(response.status, 400, "{asked:?}");
            assert_eq!(
                response.json(),
                json!({"badRequest": {"code": 400, "message": format!(
                    "API Version String {asked} is of invalid format. Must be of format MajorNum.MinorNum."
                )}}),
            );
            assert_eq!(
                response.header_names(),
                ["content-type", "x-compute-request-id", "x-openstack-request-id"],
                "{asked:?}"
            );
            response.assert_request_id();
        }
    }
);

both_backends!(
    versions_out_of_range_get_406_with_the_version_echoed,
    |app: TestApp| async move {
        for asked in ["1.0", "1.1", "2.31", "3.0"] {
            let response = app
                .get(
                    "/v2/",
                    &[ADMIN, (VERSION, asked), ("X-OpenStack-Manila-API-Experimental", "True")],
                )
                .await;
            assert_eq!(response.status, 406, "{asked}");
            assert_eq!(
                response.json(),
                json!({"computeFault": {"code": 406, "message": format!(
                    "Version {asked} is not supported by the API. Minimum is 2.0 and maximum is 2.30."
                )}}),
            );
            assert_eq!(response.header("x-openstack-manila-api-version"), Some(asked));
            assert_eq!(
                response.header("openstack-api-version"),
                Some(format!("shared-file-system {asked}").as_str())
            );
            assert_eq!(
                response.header("vary"),
                Some("X-OpenStack-Manila-API-Version, OpenStack-API-Version")
            );
            // The range check comes before the experimental header is read.
            assert_eq!(response.header("x-openstack-manila-api-experimental"), None);
        }
    }
);

both_backends!(latest_means_the_maximum, |app: TestApp| async move {
    let response = app.get("/v2/", &[ADMIN, (VERSION, "latest")]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.header("x-openstack-manila-api-version"), Some("2.30"));
});

both_backends!(api_sig_header_is_honoured_and_echoed, |app: TestApp| async move {
    let response = app
        .get("/v2/", &[ADMIN, ("OpenStack-API-Version", "shared-file-system 2.12")])
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("openstack-api-version"),
        Some("shared-file-system 2.12")
    );
    assert_eq!(response.header("x-openstack-manila-api-version"), Some("2.12"));

    let response = app
        .get("/v2/", &[ADMIN, ("OpenStack-API-Version", "shared-file-system 2.99")])
        .await;
    assert_eq!(response.status, 406);
    assert_eq!(
        response.header("openstack-api-version"),
        Some("shared-file-system 2.99")
    );
});

both_backends!(experimental_opt_in_is_echoed_as_true, |app: TestApp| async move {
    for value in ["True", "true", "1", "yes", "on"] {
        let response = app
            .get("/v2/", &[ADMIN, ("X-OpenStack-Manila-API-Experimental", value)])
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("x-openstack-manila-api-experimental"),
            Some("True"),
            "{value}"
        );
    }
    for value in ["False", "0", "maybe", ""] {
        let response = app
            .get("/v2/", &[ADMIN, ("X-OpenStack-Manila-API-Experimental", value)])
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(
            response.header("x-openstack-manila-api-experimental"),
            None,
            "{value:?}"
        );
    }
});
