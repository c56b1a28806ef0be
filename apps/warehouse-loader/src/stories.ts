import { reportLine, type StepContext } from '@social-pulse/pipeline';
import { describeError } from '@social-pulse/runtime';
import { updateStories, type LoadResult, type Warehouse } from '@social-pulse/warehouse';

/**
 * Stories after the posts are merged: the posts this load brought join stories, in warehouse
 * SQL, over the load's days (none when it brought nothing). A failure is a warning, reported
 * (report line, and `storiesError` in the step's details) without failing the load: stories
 * are derived from the posts, which are loaded, and the next load assigns whatever this one
 * could not (updateStories finds posts left without a story).
 */
export async function assignStories(w: Warehouse, ctx: StepContext, partitions: LoadResult['partitions']): Promise<{ lines: string[]; details: Record<string, unknown> }> {
  try {
    const s = await updateStories(w, { now: new Date(), ...(partitions !== undefined ? { partitions } : {}) });
    return {
      lines: [reportLine('stories', `${s.assigned} posts assigned, ${s.created} new stories, ${s.stories} stories updated`)],
      details: { storyPosts: s.assigned, storiesCreated: s.created, storiesUpdated: s.stories },
    };
  } catch (e) {
    const why = `stories could not be computed: ${describeError(e)}`;
    ctx.log.warn(why);
    return { lines: [reportLine('stories', why)], details: { storiesUpdated: null, storiesError: why } };
  }
}
