package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/muejam/assetpipe/config"
	"github.com/muejam/assetpipe/publish"
)

// publishFlags are the flags of publish and deploy.
type publishFlags struct {
	release string
	dryRun  bool
	json    bool
	wait    bool
	force   bool
	verify  bool
}

func (f *publishFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.release, "release", "", "release `NAME` (default: the git commit, else the UTC time)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "change nothing remotely; print the plan")
	fl.BoolVar(&f.json, "json", false, "print the plan and the result as JSON")
	fl.BoolVar(&f.wait, "wait", false, "wait until the CloudFront invalidation has completed")
	fl.BoolVar(&f.force, "force", false, "prune even more than publish.max_deletes objects")
	fl.BoolVar(&f.verify, "verify", false, "compare with each object in the bucket (its sha256 metadata) instead of the live record")
}

func newPublishCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	var pf publishFlags
	cmd := &cobra.Command{
		Use:   "publish",
		Short: "Upload the built output to S3 and invalidate what changed in CloudFront",
		Long: `publish uploads what changed since the live release to the bucket
(publish.bucket, or ASSETPIPE_BUCKET) below publish.prefix, in an order that
never leaves a page referring to an object not yet there: versioned files
and their variants first, then other unversioned files, then HTML and error
pages, then the manifests, then the release record. It then invalidates in
CloudFront (publish.distribution_id, or CLOUDFRONT_DISTRIBUTION_ID) only the
unversioned paths that changed or were deleted.

Credentials come from the AWS SDK's default chain (environment, profile, SSO,
instance role) and are never printed; AWS_ENDPOINT_URL_S3 points it at an
S3-compatible store.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			return runPublish(cmd.Context(), cfg, pf, stdout, stderr)
		},
	}
	flags.register(cmd)
	pf.register(cmd)
	cmd.Flags().MarkHidden("src")
	cmd.Flags().MarkHidden("url-prefix")
	return cmd
}

// runPublish publishes the output of cfg, or plans it with --dry-run.
func runPublish(ctx context.Context, cfg config.Config, pf publishFlags, stdout, stderr io.Writer) error {
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		return err
	}
	release := pf.release
	if release == "" {
		release = publish.DefaultRelease(ctx, cfg.Dir, time.Now())
	}
	if err := publish.ValidRelease(release); err != nil {
		return usageError{fmt.Errorf("--release: %w", err)}
	}
	var store publish.Store
	if cfg.Publish.Bucket != "" {
		s, err := publish.NewS3Store(ctx, cfg)
		if err != nil {
			return err
		}
		store = s
	} else if !pf.dryRun {
		return fmt.Errorf("no bucket to publish to: set publish.bucket in %s or ASSETPIPE_BUCKET", configName(cfg))
	}
	var cdn publish.CDN
	if cfg.Publish.DistributionID != "" && !pf.dryRun {
		cf, err := publish.NewCloudFront(ctx)
		if err != nil {
			return err
		}
		cdn = cf
	}
	progress := newCountProgress(stderr, "upload")
	res, err := publish.Publish(ctx, store, cdn, publish.Options{
		Out: cfg.Path(cfg.Out), Release: release, Config: cfg,
		DryRun: pf.dryRun, Wait: pf.wait, Force: pf.force, Verify: pf.verify, Progress: progress.update,
	})
	progress.finish()
	if err != nil {
		return err
	}
	if pf.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printPublish(stdout, cfg, res, pf.dryRun)
	return nil
}

func configName(cfg config.Config) string {
	if cfg.File != "" {
		return cfg.File
	}
	return config.DefaultFile
}
