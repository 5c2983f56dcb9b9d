// Package publish will upload a built release to S3 and invalidate
// CloudFront; it is the stage after build and compress, not written yet.
package publish
