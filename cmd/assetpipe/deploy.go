package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/muejam/assetpipe/build"
)

func newDeployCmd(stdout, stderr io.Writer) *cobra.Command {
	var flags configFlags
	var pf publishFlags
	var noCompress bool
	cmd := &cobra.Command{
		Use:   "deploy",
		Short: "Build, compress and publish in one run",
		Long: `deploy runs build (with its compress stage) and then publish on the result.
With --dry-run it builds and prints the publish plan without sending anything;
without a bucket or credentials the plan is made against an empty bucket.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load()
			if err != nil {
				return err
			}
			if noCompress {
				cfg.Compress.Enabled = false
			}
			progress := newCompressProgress(stderr)
			res, err := build.Build(cmd.Context(), cfg, build.Options{CompressProgress: progress.update})
			progress.finish()
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(stderr, "warning: %s\n", w)
			}
			out := stdout
			if pf.json {
				out = stderr // stdout is the JSON document
			}
			fmt.Fprintf(out, "built %d files into %s\n", res.Files, display(res.Out))
			if res.Compressed != nil {
				printCompressed(out, res.Compressed)
			}
			return runPublish(cmd.Context(), cfg, pf, stdout, stderr)
		},
	}
	flags.register(cmd)
	pf.register(cmd)
	cmd.Flags().BoolVar(&noCompress, "no-compress", false, "skip the compress stage for this run")
	return cmd
}
