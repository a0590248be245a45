# Training and serving infrastructure of the fraud model.
resource "aws_s3_bucket" "fraud_data" {
  bucket = "acme-ml-data"
}
