//! The service layer: what each operation does, independent of HTTP.
//! Every public function takes a connection and the caller's context,
//! checks policy first, then validates, then works in one transaction.

pub mod python_text;
pub mod share_types;
