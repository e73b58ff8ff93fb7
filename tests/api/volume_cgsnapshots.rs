//! Cinder's cgsnapshots over HTTP.
