package io.flatline.streams.alarm;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.flatline.schemas.Alert;
import io.flatline.schemas.AlertKind;
import io.flatline.schemas.AlertSource;
import io.flatline.schemas.AlertState;
import io.flatline.schemas.OpenEpisode;

/**
 * A device's open alarms, from the reference and from its board alike, and the root-cause episodes they form.
 * One cause usually shows as several conditions on one device (a saturated model's REFERENCE and BOARD stuck
 * runs; a stuck NPU's BOARD_DIVERGENCE beside its STUCK_OUTPUT), so an alarm raised while another is open joins
 * that alarm's episode: the first one is the first-out alarm, the one to act on, and its diagnosis is the
 * episode's. Each alarm still has exactly one RAISED and one CLEARED record.
 *
 * @param open     the open alarms, oldest first
 * @param comebacks per open episode, how many times one of its conditions came back while none of them held: the
 *                  cause went away and returned (an intermittent fault), unlike one alarm of a persistent cause that
 *                  flickers beside another that holds
 */
public record DeviceAlarms(List<AlarmLifecycle> open, Map<String, Integer> comebacks) {

    public static final DeviceAlarms NONE = new DeviceAlarms(List.of(), Map.of());

    public DeviceAlarms {
        open = List.copyOf(open);
        comebacks = Map.copyOf(comebacks);
    }

    /**
     * The state after one window of one condition, the alert record it produced (null if none), and whether its
     * episode came back on this window (it is now known to be intermittent, or more so).
     */
    public record Step(DeviceAlarms next, Alert alert, boolean returned) {
        Step(DeviceAlarms next, Alert alert) {
            this(next, alert, false);
        }
    }

    /**
     * One window of one condition on {@code device}: raises an alarm when the condition holds and none of its
     * kind and source is open, moves an open one on, clears it after the off-delay.
     *
     * @param time the window's record time, epoch milliseconds
     */
    public Step observe(String device, AlertSource source, AlertKind kind, Activity activity, long seq, long time,
                        AlarmSettings settings) {
        int index = indexOf(source, kind);
        if (index < 0) {
            if (!activity.holds()) {
                return new Step(this, null);
            }
            boolean firstOut = open.isEmpty();
            String episode = firstOut ? device + "#" + seq : open.get(0).episodeId();
            AlarmLifecycle raised = AlarmLifecycle.raised(source, kind, episode, firstOut, activity, seq, time);
            List<AlarmLifecycle> next = new ArrayList<>(open);
            next.add(raised);
            Map<String, Integer> counts = new HashMap<>(comebacks);
            counts.putIfAbsent(episode, 0);
            return new Step(new DeviceAlarms(next, counts), alert(device, raised, AlertState.RAISED,
                    activity.runLength(), seq, time));
        }
        AlarmLifecycle before = open.get(index);
        AlarmLifecycle.Step step = before.observe(activity, seq, time, settings,
                comebacks.getOrDefault(before.episodeId(), 0) > 0);
        List<AlarmLifecycle> next = new ArrayList<>(open);
        Map<String, Integer> counts = new HashMap<>(comebacks);
        if (step.change() == AlarmLifecycle.Change.CLEARED) {
            next.remove(index);
            if (next.stream().noneMatch(a -> a.episodeId().equals(before.episodeId()))) {
                counts.remove(before.episodeId());
            }
            return new Step(new DeviceAlarms(next, counts), alert(device, step.next(), AlertState.CLEARED,
                    step.next().span(), step.next().lastActiveSeq(), time));
        }
        next.set(index, step.next());
        boolean episodeCameBack = step.next().returns() > before.returns() && open.stream()
                .noneMatch(a -> a != before && a.episodeId().equals(before.episodeId()) && a.holding());
        if (episodeCameBack) {
            counts.merge(before.episodeId(), 1, Integer::sum);
        }
        return new Step(new DeviceAlarms(next, counts), null, episodeCameBack);
    }

    /**
     * Ends every open alarm at once, without waiting for its off-delay: what it was raised for no longer runs (the
     * device moved to another model). One CLEARED record per alarm, oldest first; afterwards nothing is open.
     *
     * @param time the record time of the end, epoch milliseconds
     */
    public List<Alert> endAll(String device, long time) {
        return open.stream().map(a -> alert(device, a, AlertState.CLEARED, a.span(), a.lastActiveSeq(), time))
                .toList();
    }

    /** Whether nothing is open: a device without alarms needs no stored state. */
    public boolean isEmpty() {
        return open.isEmpty();
    }

    /** The open root-cause episodes, oldest first, each with its first-out alarm's diagnosis. */
    public List<OpenEpisode> episodes() {
        Map<String, OpenEpisode.Builder> byId = new LinkedHashMap<>();
        for (AlarmLifecycle a : open) {
            OpenEpisode.Builder e = byId.computeIfAbsent(a.episodeId(), id -> OpenEpisode.newBuilder().setEpisodeId(id)
                    .setDiagnosis(a.verdict().diagnosis().name()).setKinds(new ArrayList<>()).setReturns(0));
            if (a.firstOut()) {
                e.setDiagnosis(a.verdict().diagnosis().name());
            }
            e.getKinds().add(a.source() + "/" + a.kind());
            e.setReturns(comebacks.getOrDefault(a.episodeId(), 0));
        }
        return byId.values().stream().map(OpenEpisode.Builder::build).toList();
    }

    private int indexOf(AlertSource source, AlertKind kind) {
        for (int i = 0; i < open.size(); i++) {
            if (open.get(i).source() == source && open.get(i).kind() == kind) {
                return i;
            }
        }
        return -1;
    }

    private static Alert alert(String device, AlarmLifecycle a, AlertState state, int runLength, long lastSeq,
                               long time) {
        return Alert.newBuilder().setDeviceId(device).setKind(a.kind()).setState(state).setSource(a.source())
                .setFirstSeq(a.firstSeq()).setLastSeq(lastSeq).setRunLength(runLength)
                .setDistinctInputs(a.distinctInputs()).setNetOut(ByteBuffer.wrap(a.netOut().clone()))
                .setDiagnosis(a.verdict().diagnosis()).setEvidence(a.verdict().evidence())
                .setTimestamp(Instant.ofEpochMilli(time)).setEpisodeId(a.episodeId()).setFirstOut(a.firstOut())
                .setReturns(a.returns()).setSeverity(a.severity()).build();
    }
}
