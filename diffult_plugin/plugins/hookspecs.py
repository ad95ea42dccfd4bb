"""Extension points of diffult-plugin (pluggy hook specifications).

Another package extends diffult-plugin by declaring an entry point in the
``diffult_plugin`` group that names a module (or object) with ``hookimpl``-
marked functions::

    [project.entry-points.diffult_plugin]
    my_method = "my_package.diffult_hooks"

Installing that package is enough: importing :mod:`diffult_plugin` loads the
entry points, which imports the module, so the mmengine components it
registers (``@MODELS.register_module()`` ...) are available to configs
without editing ``custom_imports``.
"""
from .markers import hookspec


@hookspec
def diffult_register_components() -> None:
    """Import (and so register) mmengine components.

    Called once, when :mod:`diffult_plugin` is imported, after the built-in
    components are registered. A plugin whose entry-point module registers
    its components at import needs no implementation.
    """


@hookspec
def diffult_published_results() -> list:
    """Published numbers for the leaderboard.

    Returns:
        list[dict]: rows with keys ``method``, ``dataset`` (e.g.
        'CIFAR-100-LT'), ``imbalance_factor``, ``backbone``, ``top1`` and
        optionally ``many``, ``medium``, ``few``, ``epochs``, ``note``, and
        ``source`` (the citation).
    """


@hookspec
def diffult_method_recipes() -> list:
    """Method recipes: how to run a method.

    Returns:
        list[dict]: rows with keys ``method``, ``config`` (path of an
        mmpretrain config), ``dataset`` and optionally ``description`` and
        ``source``.
    """


@hookspec
def diffult_stage_finished(stage: str, work_dir: str, artifact) -> None:
    """A stage (a training run, phi0, the generator, ...) has finished.

    Args:
        stage (str): Name of the stage (the experiment name for a run).
        work_dir (str): Its work dir.
        artifact (str | None): Its main output (e.g. the last checkpoint).
    """


@hookspec
def diffult_bank_built(bank_dir: str, stats: dict) -> None:
    """The synthetic bank of DiffuLT is complete.

    Args:
        bank_dir (str): Folder of the bank.
        stats (dict): Per-class generation and filter statistics.
    """


@hookspec
def diffult_run_evaluated(work_dir: str, results: dict) -> None:
    """A run was evaluated (each validation / test with LongTailAccuracy).

    Args:
        work_dir (str): The folder the results were written to.
        results (dict): The record written to ``lt_results.json``.
    """
