package config

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
)

// Publish says where and how a release is published.
type Publish struct {
	Bucket         string `yaml:"bucket"`
	Prefix         string `yaml:"prefix"` // key prefix in the bucket, "" or ending in "/"
	Region         string `yaml:"region"`
	DistributionID string `yaml:"distribution_id"`
	// PathStyle forces path-style or virtual-host addressing; unset, it
	// is path-style exactly when a custom S3 endpoint is configured.
	PathStyle *bool `yaml:"path_style"`
	// ErrorPages maps an HTTP status to the page served for it.
	ErrorPages map[int]string `yaml:"error_pages"`
	// KeepReleases releases' versioned objects are never pruned.
	KeepReleases int `yaml:"keep_releases"`
	// PruneAfter is how long a versioned object no kept release
	// references stays, for pages cached or open in browsers: a duration
	// like "7d", "36h" (see PruneAge).
	PruneAfter string `yaml:"prune_after"`
	// MaxDeletes bounds the objects one publish deletes without --force.
	MaxDeletes int `yaml:"max_deletes"`
	// WildcardThreshold is the number of invalidation paths above which
	// they are collapsed into directory wildcards.
	WildcardThreshold int `yaml:"wildcard_threshold"`
}

// CacheRule sets the Cache-Control of the objects whose output path
// matches a glob; the last matching rule wins, over the defaults.
type CacheRule struct {
	Match        string `yaml:"match"`
	CacheControl string `yaml:"cache_control"`
}

// The default Cache-Control values: a versioned name never changes its
// content, so it is cached for a year; anything else for an hour, error
// pages for a minute.
const (
	CacheImmutable   = "public, max-age=31536000, immutable"
	CacheUnversioned = "public, max-age=3600"
	CacheErrorPage   = "public, max-age=60"
)

// DefaultErrorPages are the pages used when present in the output and no
// error_pages are configured.
func DefaultErrorPages() map[int]string {
	return map[int]string{404: "404.html", 500: "500.html", 503: "503.html"}
}

var daysRE = regexp.MustCompile(`^(\d+)d$`)

// ParseDuration is time.ParseDuration that also takes whole days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	if m := daysRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return 0, err
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (like 7d, 36h or 90m)", s)
	}
	return d, nil
}

func defaultPublish() Publish {
	return Publish{
		KeepReleases:      3,
		PruneAfter:        "7d",
		MaxDeletes:        500,
		WildcardThreshold: 50,
	}
}

// ApplyEnv overrides the publish settings that differ per environment
// with the variables getenv returns: ASSETPIPE_BUCKET, ASSETPIPE_PREFIX,
// AWS_REGION, CLOUDFRONT_DISTRIBUTION_ID.
func (c *Config) ApplyEnv(getenv func(string) string) error {
	for _, o := range []struct {
		name string
		dst  *string
	}{
		{"ASSETPIPE_BUCKET", &c.Publish.Bucket},
		{"ASSETPIPE_PREFIX", &c.Publish.Prefix},
		{"AWS_REGION", &c.Publish.Region},
		{"CLOUDFRONT_DISTRIBUTION_ID", &c.Publish.DistributionID},
	} {
		if v := getenv(o.name); v != "" {
			*o.dst = v
		}
	}
	return c.validate(positions{})
}

// PruneAge is prune_after as a duration.
func (c *Config) PruneAge() time.Duration {
	d, _ := ParseDuration(c.Publish.PruneAfter) // validated
	return d
}

// ErrorPageFiles is the configured error pages, or the default ones.
func (c *Config) ErrorPageFiles() (pages map[int]string, configured bool) {
	if len(c.Publish.ErrorPages) > 0 {
		pages := make(map[int]string, len(c.Publish.ErrorPages))
		for code, p := range c.Publish.ErrorPages {
			pages[code] = p
		}
		return pages, true
	}
	return DefaultErrorPages(), false
}

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// validatePublish checks the publish block and the cache rules.
func (c *Config) validatePublish(bad func(key, format string, args ...any)) {
	p := c.Publish
	if p.Bucket != "" && !bucketRE.MatchString(p.Bucket) {
		bad("publish.bucket", "%q is not a valid bucket name (3-63 lowercase letters, digits, dots, hyphens)", p.Bucket)
	}
	if p.Prefix != "" && (strings.HasPrefix(p.Prefix, "/") || !strings.HasSuffix(p.Prefix, "/") || path.Clean(p.Prefix)+"/" != p.Prefix) {
		bad("publish.prefix", "must be a clean relative key prefix ending in \"/\" like \"static/\", got %q", p.Prefix)
	}
	codes := make([]int, 0, len(p.ErrorPages))
	for code := range p.ErrorPages {
		codes = append(codes, code)
	}
	sort.Ints(codes)
	for _, code := range codes {
		page := p.ErrorPages[code]
		key := fmt.Sprintf("publish.error_pages.%d", code)
		if code < 400 || code > 599 {
			bad(key, "%d is not an HTTP error status", code)
		}
		if page == "" || strings.HasPrefix(page, "/") || path.Clean(page) != page {
			bad(key, "%q must be a clean path inside out", page)
		}
	}
	if p.KeepReleases < 1 {
		bad("publish.keep_releases", "must be at least 1, got %d", p.KeepReleases)
	}
	if _, err := ParseDuration(p.PruneAfter); err != nil {
		bad("publish.prune_after", "%v", err)
	}
	if p.MaxDeletes < 0 {
		bad("publish.max_deletes", "must not be negative, got %d", p.MaxDeletes)
	}
	if p.WildcardThreshold < 1 {
		bad("publish.wildcard_threshold", "must be at least 1, got %d", p.WildcardThreshold)
	}
	for i, r := range c.Cache {
		if !doublestar.ValidatePattern(r.Match) || r.Match == "" {
			bad(fmt.Sprintf("cache[%d].match", i), "invalid glob %q", r.Match)
		}
		if strings.TrimSpace(r.CacheControl) == "" || strings.ContainsAny(r.CacheControl, "\r\n") {
			bad(fmt.Sprintf("cache[%d].cache_control", i), "must be a one-line Cache-Control value, got %q", r.CacheControl)
		}
	}
}
