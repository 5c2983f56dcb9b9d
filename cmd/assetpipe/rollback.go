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

// remote makes the store and, when a distribution is configured, the
// CDN for a command that works on the bucket.
func remote(ctx context.Context, cfg config.Config, withCDN bool) (publish.Store, publish.CDN, error) {
	if err := cfg.ApplyEnv(os.Getenv); err != nil {
		return nil, nil, err
	}
	s, err := publish.NewS3Store(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if !withCDN || cfg.Publish.DistributionID == "" {
		return s, nil, nil
	}
	cf, err := publish.NewCloudFront(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s, cf, nil
}

func newRollbackCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	var dryRun, wait, asJSON bool
	cmd := &cobra.Command{
		Use:   "rollback RELEASE",
		Short: "Make a kept release live again, without rebuilding",
		Long: `rollback makes RELEASE, one of the last publish.keep_releases releases (see
assetpipe releases), live again: its unversioned objects are written back
from the release records that hold their bytes, with that release's
headers, in the same order a publish uses; then one invalidation of the
paths that changed; then the record of what is live.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			if err := publish.ValidRelease(args[0]); err != nil {
				return usageError{err}
			}
			s, cdn, err := remote(cmd.Context(), cfg, !dryRun)
			if err != nil {
				return err
			}
			res, err := publish.Rollback(cmd.Context(), s, cdn, publish.RollbackOptions{Release: args[0], Config: cfg, DryRun: dryRun, Wait: wait})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			p := res.Plan
			switch {
			case dryRun:
				for _, g := range p.Uploads {
					for _, a := range g {
						fmt.Fprintf(stdout, "restore %s (%s)\n", a.Key, a.Reason)
					}
				}
				for _, d := range p.Deletes {
					fmt.Fprintf(stdout, "delete %s (%s)\n", d.Key, d.Reason)
				}
				printInvalidation(stdout, cfg, p)
			case !p.Changed():
				fmt.Fprintf(stdout, "release %s: every object is already as it had them\n", args[0])
			default:
				fmt.Fprintf(stdout, "release %s is live again: restored %d objects, deleted %d, in %s\n", args[0], res.Uploaded, res.Deleted, res.Duration.Round(time.Millisecond))
				if res.Invalidation != "" {
					fmt.Fprintf(stdout, "invalidation %s: %d paths\n", res.Invalidation, len(p.Paths))
				}
			}
			return nil
		},
	}
	flags.register(cmd)
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "change nothing; print what would be restored")
	cmd.Flags().BoolVar(&wait, "wait", false, "wait until the CloudFront invalidation has completed")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the plan and the result as JSON")
	for _, f := range []string{"src", "out", "url-prefix", "cache", "no-cache"} {
		cmd.Flags().MarkHidden(f)
	}
	return cmd
}

func newReleasesCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	cmd := &cobra.Command{
		Use:   "releases",
		Short: "List the kept releases: name, time, objects, the live one",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			s, _, err := remote(cmd.Context(), cfg, false)
			if err != nil {
				return err
			}
			rels, err := publish.Releases(cmd.Context(), s, cfg)
			if err != nil {
				return err
			}
			if len(rels) == 0 {
				fmt.Fprintln(stdout, "no release published yet")
				return nil
			}
			for _, r := range rels {
				mark := " "
				if r.Current {
					mark = "*"
				}
				objects := fmt.Sprint(r.Objects)
				if r.Objects < 0 {
					objects = "record missing"
				}
				fmt.Fprintf(stdout, "%s %-40s %s  %s objects\n", mark, r.Name, r.Time.Format(time.RFC3339), objects)
			}
			return nil
		},
	}
	flags.register(cmd)
	for _, f := range []string{"src", "out", "url-prefix", "cache", "no-cache"} {
		cmd.Flags().MarkHidden(f)
	}
	return cmd
}
