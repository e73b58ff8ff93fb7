# Sourced by scripts/test: a throwaway certificate authority for the TLS
# tests, made with the openssl command line in a temporary directory.
#   make_test_ca     sets and exports TEST_TLS_DIR, holding
#     ca.pem                    the test CA (trusted by the tests)
#     other-ca.pem              another CA, trusted by nobody: the wrong one
#     localhost.pem, .key       a server certificate from ca.pem for the DNS
#                               name localhost only (so 127.0.0.1 mismatches),
#                               usable by clients too
#     client.pem, client.key    a client certificate from ca.pem
#   remove_test_ca   removes it

make_test_ca() {
  TEST_TLS_DIR=$(mktemp -d)
  export TEST_TLS_DIR
  local dir=$TEST_TLS_DIR ca
  for ca in ca other-ca; do
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=manila-cg-api test $ca" \
      -keyout "$dir/$ca.key" -out "$dir/$ca.pem" 2>/dev/null
  done
  issue_certificate localhost "subjectAltName=DNS:localhost
extendedKeyUsage=serverAuth,clientAuth"
  issue_certificate client "extendedKeyUsage=clientAuth"
  # PostgreSQL and PgBouncer run as their own user when the tests run as root.
  chmod 755 "$dir"
  chmod 644 "$dir"/*
}

# issue_certificate NAME EXTENSIONS: NAME.pem and NAME.key, signed by ca.pem.
issue_certificate() {
  local dir=$TEST_TLS_DIR name=$1
  printf '%s\n' "$2" >"$dir/$name.ext"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

remove_test_ca() {
  [ -n "${TEST_TLS_DIR:-}" ] || return 0
  rm -rf "$TEST_TLS_DIR"
}
