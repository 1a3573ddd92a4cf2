"""The embedded seed corpus: one Yonhap and one Press TV article (see manifest.csv)."""
