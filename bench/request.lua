-- wrk script: the headers every CG request carries, and an optional body.
-- BENCH_TOKEN, BENCH_METHOD and BENCH_BODY come from bench/run.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["X-Auth-Token"] = os.getenv("BENCH_TOKEN")
wrk.headers["X-OpenStack-Manila-API-Version"] = "2.30"
wrk.headers["X-OpenStack-Manila-API-Experimental"] = "True"
wrk.headers["Content-Type"] = "application/json"
