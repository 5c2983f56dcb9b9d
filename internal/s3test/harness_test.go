package s3test

import (
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestEnv checks that Env alone is enough for an SDK program that loads the
// default config, as the CLI does when run as a subprocess.
func TestEnv(t *testing.T) {
	s := Start(t)
	s.CreateBucket(t, "envbucket")
	for _, kv := range s.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(testCtx(t))
	if err != nil {
		t.Fatalf("LoadDefaultConfig: %v", err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := c.ListBuckets(testCtx(t), &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets with Env: %v", err)
	}
	if len(out.Buckets) != 1 || aws.ToString(out.Buckets[0].Name) != "envbucket" {
		t.Errorf("buckets = %v", out.Buckets)
	}
	// The posix backend: a bucket is a directory under Root.
	if fi, err := os.Stat(s.Root() + "/envbucket"); err != nil || !fi.IsDir() {
		t.Errorf("bucket directory: %v", err)
	}
}

func TestParseAccessLog(t *testing.T) {
	const ua = "aws-sdk-go-v2/1.48.0 ua/2.1 os/linux lang/go#1.26.8 m/E,a,e"
	log := "log starts 2026-11-25 22:42:43.749441385 +0000 UTC m=+0.026123487\n" +
		"- - [25/November/2026:22:42:44 +0000] 127.0.0.1 - EV4D s3_ListAllMyBuckets - / 403 AccessDenied 0 0 0 0 - curl/7.88.1 - HID SigV4 - AuthHeader s3.us-east-1.amazonaws.com - arn:aws:s3:::/ Yes\n" +
		"AK bkt [25/November/2026:22:43:18 +0000] 127.0.0.1 AK 30GZ s3_PutObject dir/a b.css /bkt/dir/a%20b.css?x-id=PutObject 200 - 0 5 1 1 - " + ua + " - HID SigV4 - AuthHeader s3.us-east-1.amazonaws.com - arn:aws:s3:::/bkt/dir/a b.css Yes\n" +
		// A key that itself looks like "URI status": the decoded path decides.
		"AK bkt [25/November/2026:22:43:18 +0000] 127.0.0.1 AK 31GZ s3_HeadObject x /y 200 z /bkt/x%20/y%20200%20z 404 NoSuchKey 0 0 0 0 - " + ua + " - HID SigV4 - AuthHeader s3.us-east-1.amazonaws.com - arn:aws:s3:::/bkt/x /y 200 z Yes\n" +
		"AK bkt [25/November/2026:22:43:19 +0000] 127.0.0.1 AK 32GZ s3_DeleteObjects - /bkt?delete= 200 - 97 0 0 0 - " + ua + " - HID SigV4 - AuthHeader s3.us-east-1.amazonaws.com - arn:aws:s3:::/bkt Yes\n" +
		"AK bkt [25/November/2026:22:43:19 +0000] 127.0.0.1 AK 33GZ s3_PutObject partial"
	reqs, err := parseAccessLog([]byte(log[:completeLen([]byte(log))]))
	if err != nil {
		t.Fatal(err)
	}
	want := []Request{
		{Operation: "ListAllMyBuckets", Method: "GET", URI: "/", Status: 403, ErrorCode: "AccessDenied", RequestID: "EV4D"},
		{Operation: "PutObject", Method: "PUT", Bucket: "bkt", Key: "dir/a b.css", URI: "/bkt/dir/a%20b.css?x-id=PutObject", Status: 200, RequestID: "30GZ"},
		{Operation: "HeadObject", Method: "HEAD", Bucket: "bkt", Key: "x /y 200 z", URI: "/bkt/x%20/y%20200%20z", Status: 404, ErrorCode: "NoSuchKey", RequestID: "31GZ"},
		{Operation: "DeleteObjects", Method: "POST", Bucket: "bkt", URI: "/bkt?delete=", Status: 200, RequestID: "32GZ"},
	}
	if len(reqs) != len(want) {
		t.Fatalf("parsed %d entries, want %d: %v", len(reqs), len(want), reqs)
	}
	for i := range want {
		got := reqs[i]
		if got.Time.IsZero() || got.Time.Month() != 11 {
			t.Errorf("entry %d time = %v", i, got.Time)
		}
		got.Time = want[i].Time
		if got != want[i] {
			t.Errorf("entry %d = %+v\nwant %+v", i, got, want[i])
		}
	}
}
