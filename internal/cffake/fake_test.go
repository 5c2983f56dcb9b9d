package cffake_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/muejam/assetpipe/internal/cffake"
)

func TestCreateGetRoundTrip(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	f := newFake(cffake.Options{Now: func() time.Time { return now }})
	c := newClient(t, f)

	out, err := create(t, c, dist, batch("ref-1", "/index.html", "/assets/*"))
	if err != nil {
		t.Fatalf("CreateInvalidation: %v", err)
	}
	inv := out.Invalidation
	id := aws.ToString(inv.Id)
	if id == "" || aws.ToString(inv.Status) != cffake.StatusInProgress {
		t.Fatalf("created invalidation = id %q status %q", id, aws.ToString(inv.Status))
	}
	if !inv.CreateTime.Equal(now) {
		t.Errorf("CreateTime = %v, want %v", inv.CreateTime, now)
	}
	if got := inv.InvalidationBatch.Paths.Items; !slices.Equal(got, []string{"/index.html", "/assets/*"}) {
		t.Errorf("echoed paths = %v", got)
	}
	if aws.ToInt32(inv.InvalidationBatch.Paths.Quantity) != 2 || aws.ToString(inv.InvalidationBatch.CallerReference) != "ref-1" {
		t.Errorf("echoed batch = %+v", inv.InvalidationBatch)
	}
	if loc := aws.ToString(out.Location); !strings.HasSuffix(loc, "/2020-05-31/distribution/"+dist+"/invalidation/"+id) {
		t.Errorf("Location = %q", loc)
	}

	got, err := c.GetInvalidation(ctx(t), &cloudfront.GetInvalidationInput{DistributionId: aws.String(dist), Id: aws.String(id)})
	if err != nil {
		t.Fatalf("GetInvalidation: %v", err)
	}
	if aws.ToString(got.Invalidation.Id) != id || !slices.Equal(got.Invalidation.InvalidationBatch.Paths.Items, []string{"/index.html", "/assets/*"}) {
		t.Errorf("GetInvalidation = %+v", got.Invalidation)
	}

	calls := f.Calls()
	if len(calls) != 2 || calls[0].Operation != cffake.OpCreateInvalidation || calls[1].Operation != cffake.OpGetInvalidation {
		t.Fatalf("calls = %+v", calls)
	}
	if calls[0].StatusCode != 201 || calls[0].Batch == nil || !slices.Equal(calls[0].Batch.Paths, []string{"/index.html", "/assets/*"}) {
		t.Errorf("create call = %+v", calls[0])
	}
	if calls[0].DistributionID != dist || calls[0].Batch.CallerReference != "ref-1" {
		t.Errorf("create call = %+v", calls[0])
	}
	invs := f.Invalidations(dist)
	if len(invs) != 1 || invs[0].ID != id || invs[0].CallerReference != "ref-1" {
		t.Errorf("Invalidations = %+v", invs)
	}
}

func TestStatusCompletesAfterPolls(t *testing.T) {
	for _, polls := range []int{0, 1, 3} {
		t.Run(fmt.Sprint(polls), func(t *testing.T) {
			f := newFake(cffake.Options{PollsToComplete: polls})
			c := newClient(t, f)
			id := aws.ToString(mustCreate(t, c, batch("r", "/a")).Id)
			want := polls
			if want == 0 {
				want = 2 // documented default
			}
			for i := range want {
				if s := getStatus(t, c, id); s != cffake.StatusInProgress {
					t.Fatalf("poll %d: status %q, want InProgress", i+1, s)
				}
			}
			if s := getStatus(t, c, id); s != cffake.StatusCompleted {
				t.Fatalf("poll %d: status %q, want Completed", want+1, s)
			}
			if s := getStatus(t, c, id); s != cffake.StatusCompleted {
				t.Fatalf("status went back to %q", s)
			}
			if s := f.Invalidations(dist)[0].Status; s != cffake.StatusCompleted {
				t.Errorf("Invalidations status = %q", s)
			}
		})
	}
}

func TestListCountsAsObservation(t *testing.T) {
	f := newFake(cffake.Options{PollsToComplete: 1})
	c := newClient(t, f)
	mustCreate(t, c, batch("r", "/a"))
	for i, want := range []string{cffake.StatusInProgress, cffake.StatusCompleted} {
		out, err := c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{DistributionId: aws.String(dist)})
		if err != nil {
			t.Fatalf("ListInvalidations: %v", err)
		}
		if got := aws.ToString(out.InvalidationList.Items[0].Status); got != want {
			t.Errorf("list %d: status %q, want %q", i+1, got, want)
		}
	}
}

func TestListPagination(t *testing.T) {
	f := newFake(cffake.Options{})
	c := newClient(t, f)
	var created []string
	for i := range 5 {
		created = append(created, aws.ToString(mustCreate(t, c, batch(fmt.Sprint("r", i), fmt.Sprintf("/f%d", i))).Id))
	}
	newestFirst := slices.Clone(created)
	slices.Reverse(newestFirst)

	// By hand: Marker is the NextMarker of the previous page.
	var got []string
	var marker *string
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("pagination does not terminate")
		}
		out, err := c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{
			DistributionId: aws.String(dist), Marker: marker, MaxItems: aws.Int32(2),
		})
		if err != nil {
			t.Fatalf("ListInvalidations: %v", err)
		}
		l := out.InvalidationList
		if aws.ToInt32(l.MaxItems) != 2 || int(aws.ToInt32(l.Quantity)) != len(l.Items) {
			t.Errorf("page %d: MaxItems %d Quantity %d items %d", page, aws.ToInt32(l.MaxItems), aws.ToInt32(l.Quantity), len(l.Items))
		}
		if aws.ToString(l.Marker) != aws.ToString(marker) {
			t.Errorf("page %d: Marker %q, want %q", page, aws.ToString(l.Marker), aws.ToString(marker))
		}
		for _, s := range l.Items {
			got = append(got, aws.ToString(s.Id))
		}
		if !aws.ToBool(l.IsTruncated) {
			if l.NextMarker != nil {
				t.Errorf("last page has NextMarker %q", aws.ToString(l.NextMarker))
			}
			break
		}
		if aws.ToString(l.NextMarker) != got[len(got)-1] {
			t.Errorf("NextMarker %q, want last Id %q", aws.ToString(l.NextMarker), got[len(got)-1])
		}
		marker = l.NextMarker
	}
	if !slices.Equal(got, newestFirst) {
		t.Errorf("manual pages = %v, want %v", got, newestFirst)
	}

	// With the SDK paginator.
	p := cloudfront.NewListInvalidationsPaginator(c, &cloudfront.ListInvalidationsInput{DistributionId: aws.String(dist)},
		func(o *cloudfront.ListInvalidationsPaginatorOptions) { o.Limit = 2 })
	got, pages := nil, 0
	for p.HasMorePages() && pages < 10 {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		pages++
		for _, s := range out.InvalidationList.Items {
			got = append(got, aws.ToString(s.Id))
		}
	}
	if pages != 3 || !slices.Equal(got, newestFirst) {
		t.Errorf("paginator: %d pages %v, want 3 pages %v", pages, got, newestFirst)
	}
}

func TestListEmpty(t *testing.T) {
	c := newClient(t, newFake(cffake.Options{}))
	out, err := c.ListInvalidations(ctx(t), &cloudfront.ListInvalidationsInput{DistributionId: aws.String(dist)})
	if err != nil {
		t.Fatalf("ListInvalidations: %v", err)
	}
	l := out.InvalidationList
	if aws.ToInt32(l.Quantity) != 0 || len(l.Items) != 0 || aws.ToBool(l.IsTruncated) || aws.ToInt32(l.MaxItems) != 100 {
		t.Errorf("empty list = %+v", l)
	}
}

func TestInvalidationCompletedWaiter(t *testing.T) {
	f := newFake(cffake.Options{PollsToComplete: 3})
	c := newClient(t, f)
	id := mustCreate(t, c, batch("r", "/a", "/b/*")).Id

	w := cloudfront.NewInvalidationCompletedWaiter(c, func(o *cloudfront.InvalidationCompletedWaiterOptions) {
		o.MinDelay = time.Millisecond
		o.MaxDelay = 3 * time.Millisecond
	})
	out, err := w.WaitForOutput(ctx(t), &cloudfront.GetInvalidationInput{DistributionId: aws.String(dist), Id: id}, 5*time.Second)
	if err != nil {
		t.Fatalf("waiter: %v", err)
	}
	if s := aws.ToString(out.Invalidation.Status); s != cffake.StatusCompleted {
		t.Errorf("waiter returned status %q", s)
	}
	gets := 0
	for _, call := range f.Calls() {
		if call.Operation == cffake.OpGetInvalidation {
			gets++
		}
	}
	if gets != 4 {
		t.Errorf("waiter made %d GetInvalidation calls, want 4", gets)
	}
}

func TestGetDistributionConfig(t *testing.T) {
	f := newFake(cffake.Options{})
	c := newClient(t, f)
	get := func() *cloudfront.GetDistributionConfigOutput {
		t.Helper()
		out, err := c.GetDistributionConfig(ctx(t), &cloudfront.GetDistributionConfigInput{Id: aws.String(dist)})
		if err != nil {
			t.Fatalf("GetDistributionConfig: %v", err)
		}
		return out
	}
	first := get()
	if !aws.ToBool(first.DistributionConfig.Enabled) || aws.ToString(first.ETag) == "" {
		t.Errorf("default config = %+v etag %q", first.DistributionConfig, aws.ToString(first.ETag))
	}

	err := f.SetDistributionConfig(dist, `<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">`+
		`<CallerReference>x</CallerReference><Comment>audited</Comment><Enabled>false</Enabled>`+
		`<DefaultRootObject>index.html</DefaultRootObject></DistributionConfig>`)
	if err != nil {
		t.Fatalf("SetDistributionConfig: %v", err)
	}
	second := get()
	cfg := second.DistributionConfig
	if aws.ToString(cfg.Comment) != "audited" || aws.ToBool(cfg.Enabled) || aws.ToString(cfg.DefaultRootObject) != "index.html" {
		t.Errorf("config = %+v", cfg)
	}
	if aws.ToString(second.ETag) == aws.ToString(first.ETag) {
		t.Errorf("ETag did not change after update: %q", aws.ToString(second.ETag))
	}
	if err := f.SetDistributionConfig("ENOPE", "<DistributionConfig/>"); err == nil {
		t.Error("SetDistributionConfig on unknown distribution succeeded")
	}
}

func TestConcurrentCreates(t *testing.T) {
	f := newFake(cffake.Options{})
	c := newClient(t, f)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := create(t, c, dist, batch(fmt.Sprint("ref-", i), fmt.Sprintf("/p%d", i)))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent create: %v", err)
		}
	}
	seen := map[string]bool{}
	for _, inv := range f.Invalidations(dist) {
		seen[inv.ID] = true
	}
	if len(seen) != n || len(f.Calls()) != n {
		t.Errorf("%d unique invalidations, %d calls; want %d each", len(seen), len(f.Calls()), n)
	}
}
