package main

import (
	"io"

	"github.com/spf13/cobra"
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
			out := stdout
			if pf.json {
				out = stderr // stdout is the JSON document
			}
			if _, err := runBuild(cmd.Context(), cfg, noCompress, out, stderr); err != nil {
				return err
			}
			return runPublish(cmd.Context(), cfg, pf, stdout, stderr)
		},
	}
	flags.register(cmd)
	pf.register(cmd)
	cmd.Flags().BoolVar(&noCompress, "no-compress", false, "skip the compress stage for this run")
	return cmd
}
