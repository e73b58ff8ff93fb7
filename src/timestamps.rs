//! Times as Manila's JSON serialiser writes them: naive UTC with six
//! fractional digits and no zone, `2015-09-16T09:28:52.880949`
//! (reference section 6.8).

use chrono::NaiveDateTime;

pub fn render(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn always_six_fractional_digits() {
        let date = NaiveDate::from_ymd_opt(2015, 9, 16).unwrap();
        assert_eq!(
            render(&date.and_hms_micro_opt(9, 28, 52, 880_949).unwrap()),
            "2015-09-16T09:28:52.880949"
        );
        assert_eq!(
            render(&date.and_hms_opt(16, 50, 31).unwrap()),
            "2015-09-16T16:50:31.000000"
        );
    }
}
