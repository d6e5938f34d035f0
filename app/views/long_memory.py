"""Long-term memory (seeds 001 and 004): remembering the first symbol across L steps."""

import streamlit as st

from app import charts, memory_lesson, projector, settings, state
from app.memory_lesson import CHANCE, LENGTHS

PAGE = memory_lesson.PAGE


def w(name: str) -> str:
    return state.widget(PAGE, name)


projector.title("Long-term memory")
st.caption(
    "Seed 004: the cell state is the LSTM's long-term memory, and a plain RNN forgets "
    "because its gradient fades on the way back through time. Here the answer is the "
    "first symbol of the sequence (A, B, C or D) and every later step is a random "
    "distractor (w, x, y, z): how long a gap can each cell bridge?"
)

st.subheader("1 · How far back can each cell remember?")
settings.ensure(w("lengths"), list(memory_lesson.DEFAULT_LENGTHS))
settings.ensure(w("seeds"), memory_lesson.DEFAULT_SEEDS)
settings.ensure(w("epochs"), memory_lesson.DEFAULT_EPOCHS)
pick_lengths, pick_seeds, pick_epochs = st.columns([3, 1, 1])
pick_lengths.multiselect("Sequence lengths L", LENGTHS, key=w("lengths"))
pick_seeds.number_input(
    "Seeds per run", 1, 5, key=w("seeds"), help="Each cell and length trains with this many seeds."
)
pick_epochs.number_input("Epochs", 5, 200, step=5, key=w("epochs"))
st.caption(
    f"Each run: {memory_lesson.SAMPLES} training sequences, {memory_lesson.DEFAULT_UNITS} units, "
    f"Adam at {memory_lesson.LEARNING_RATE:g}; the score is the accuracy on "
    f"{memory_lesson.HELD_OUT} new sequences it never saw. The default sweep (12 runs × 2 "
    "seeds) takes about half a minute here."
)
sweep = memory_lesson.current()
go, stop = st.columns([1, 5])
if go.button("▶ Run the sweep", key=state.button(PAGE, "sweep"), type="primary",
             disabled=sweep is not None and not sweep.done):  # fmt: skip
    try:
        sweep = memory_lesson.submit(
            st.session_state[w("lengths")], st.session_state[w("seeds")],
            st.session_state[w("epochs")], memory_lesson.DEFAULT_UNITS,
        )  # fmt: skip
    except ValueError as exc:
        st.error(str(exc))


@st.fragment(run_every=0.5)
def live() -> None:
    from app import training_panel

    training_panel.keep_page_settings()
    running = memory_lesson.current()
    if running is None or running.done:
        st.rerun()
    done = sum(job.done for job in running.jobs.values())
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(done / len(running.jobs), text=f"{done} of {len(running.jobs)} runs done · "
                 f"{running.seconds:.0f} s")  # fmt: skip
    button.button("■ Stop", key=state.button(PAGE, "stop"), width="stretch",
                  on_click=memory_lesson.stop, args=(running,))  # fmt: skip
    show(running)


def show(sweep) -> None:
    left, right = st.columns([3, 2])
    results = memory_lesson.results(sweep)
    left.plotly_chart(charts.accuracy_by_length(results, sweep.lengths, CHANCE), theme=None)
    right.dataframe(memory_lesson.table(sweep), hide_index=True, width="stretch")
    return right


if sweep is not None and not sweep.done:
    live()
elif sweep is not None:
    st.success(f"The sweep finished: {len(sweep.jobs)} runs in {sweep.seconds:.0f} s.")
    right = show(sweep)
    right.markdown("**What this sweep found**\n\n" + "\n\n".join(memory_lesson.summary(sweep)))
else:
    st.info("Press **Run the sweep**: the chart fills in as each run finishes.")

st.subheader("2 · Why: how much the loss still feels each step")
st.caption(
    "The size of ∂loss/∂x_t for every step t (mean over 64 sequences, log scale). Training "
    "moves the weights along these gradients: a step whose gradient has faded to nothing "
    "cannot teach the network anything. The loss is computed at the end, so the first "
    "step — the one to remember — is the farthest away."
)
settings.ensure(w("grad_length"), 50)
settings.ensure(w("forget_bias"), True)
settings.ensure(w("weights"), "untrained")
pick_length, pick_weights, pick_bias = st.columns([2, 2, 3])
pick_length.select_slider("Sequence length L", options=LENGTHS, key=w("grad_length"))
length = st.session_state[w("grad_length")]
trained = memory_lesson.trained_jobs(sweep, length)
pick_weights.radio(
    "Weights",
    ["untrained", "trained"],
    format_func={"untrained": "untrained", "trained": "trained in the sweep (seed 0)"}.get,
    key=w("weights"),
    help="The sweep's models at this length, once the sweep has trained them.",
)
use_trained = st.session_state[w("weights")] == "trained"
pick_bias.toggle(
    "LSTM forget-gate bias starts at 1 (`unit_forget_bias`)",
    key=w("forget_bias"),
    disabled=use_trained,
    help="Keras' default. Off: the forget gate starts half closed (σ(0) = 0.5), so the "
    "cell state is halved at every step and the LSTM's gradient fades much faster.",
)
if use_trained and not trained:
    st.info(f"The sweep has no trained model for L = {length} yet: showing untrained models.")
    use_trained = False
with st.spinner("Computing the gradients…"):
    if use_trained:
        curves = memory_lesson.trained_gradient_curves(trained)
    else:
        curves = memory_lesson.gradient_curves(length, st.session_state[w("forget_bias")])
memory_lesson.warm()  # the sweep's loops compile in idle workers while this page is read
chart, words = st.columns([3, 2])
chart.plotly_chart(charts.gradient_flow(curves), theme=None)
words.markdown("\n\n".join(memory_lesson.fading(curves)))
words.caption(
    "Untrained, Keras' orthogonal recurrent weights keep a SimpleRNN's gradient alive for a "
    "while, and an LSTM's gradient passes its forget gate at every step (σ(1) ≈ 0.73 at the "
    "start), so it fades too. The difference is what training can do: an LSTM can learn "
    "to hold its forget gate open, a straight path back to step 1; a SimpleRNN has no such "
    "gate. Compare the trained models of a length the LSTM solved in the sweep."
)
