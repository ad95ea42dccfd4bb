"""Hand the training set's class counts to the model before training."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class TrainClassCountsHook(Hook):
    """Give the training set's class counts to every module of the model
    that has a ``set_class_counts(counts)`` method.

    Class priors of long-tail losses (L_CBDM's y', Balanced Softmax, logit
    adjustment, ...) come from the data the model trains on. On a DiffuLT
    proxy that is the class mass the omega-weighted loss sees,
    ``metainfo['weighted_class_counts']`` = n_real + omega * n_syn, not the
    proxy's sizes n_real + n_syn (which describe a balanced set the loss
    never sees: synthetic samples count omega each). Runs before training, after
    mmengine has built the train dataloader. The modules keep the counts in
    their checkpoints. When a run only evaluates (``tools/test.py`` with a
    checkpoint that has no counts, e.g. post-hoc logit adjustment of a plain
    CE model), modules still without counts get the evaluated dataset's
    ``metainfo['train_class_counts']``.

    Args:
        counts_key (str, optional): The metainfo key to read. None (default)
            reads 'weighted_class_counts' where the training set has them (a
            DiffuLT proxy) and 'class_counts' elsewhere. On a proxy,
            'class_counts' gives n_real + n_syn and 'real_class_counts' the
            real long-tailed counts, for methods whose prior should describe
            the real imbalance (benchmarks/RESULTS.md, DiffuLT + RIDE).
        posthoc_counts_key (str, optional): The metainfo key whose counts
            the heads' test-time prior correction (``posthoc_tau > 0``)
            removes; they go to ``set_posthoc_class_counts`` of every head.
            None (default) leaves the correction on the training counts. On
            a DiffuLT proxy, 'real_class_counts' corrects for the real
            long-tailed prior, which the proxy still carries (benchmarks/
            RESULTS.md: DiffuLT + AGLU). ``posthoc_class_counts`` is not
            saved in checkpoints, so in a run that only evaluates, the
            real counts come from the evaluated dataset's
            ``metainfo['train_class_counts']``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, counts_key: Optional[str] = None,
                 posthoc_counts_key: Optional[str] = None):
        if posthoc_counts_key is not None and \
                not isinstance(posthoc_counts_key, str):
            raise TypeError('TrainClassCountsHook: posthoc_counts_key must '
                            "be a metainfo key such as 'real_class_counts', "
                            f'got {posthoc_counts_key!r}.')
        self.counts_key = counts_key
        self.posthoc_counts_key = posthoc_counts_key

    @staticmethod
    def default_key(metainfo: dict) -> str:
        """'weighted_class_counts' on a DiffuLT proxy, else 'class_counts'."""
        return ('weighted_class_counts' if 'weighted_class_counts' in metainfo
                else 'class_counts')

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        key = self.counts_key or self.default_key(dataset.metainfo)
        counts = dataset.metainfo.get(key)
        if counts is None:
            raise ValueError(
                f'TrainClassCountsHook: {type(dataset).__name__} has no '
                f"metainfo[{key!r}]; train on a long-tail dataset"
                ' of diffult_plugin (CIFAR100LT, LongTailDataset, '
                "ImageNetLT...; 'real_class_counts' needs DiffuLTDataset).")
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        receivers = [m for m in model.modules() if hasattr(m, 'set_class_counts')]
        for module in receivers:
            module.set_class_counts(counts)
        runner.logger.info(
            f'TrainClassCountsHook: metainfo[{key!r}] {min(counts):g}..'
            f'{max(counts):g} ({sum(counts):g} images) -> {len(receivers)} '
            'module(s)')
        if self.posthoc_counts_key is not None:
            posthoc = dataset.metainfo.get(self.posthoc_counts_key)
            if posthoc is None:
                raise ValueError(
                    f'TrainClassCountsHook: {type(dataset).__name__} has no '
                    f'metainfo[{self.posthoc_counts_key!r}] for '
                    "posthoc_counts_key; 'real_class_counts' needs "
                    'DiffuLTDataset, or leave posthoc_counts_key=None.')
            self._set_posthoc(runner, model, posthoc,
                              f'metainfo[{self.posthoc_counts_key!r}]')

    @staticmethod
    def _posthoc_heads(model):
        # Heads, not losses: only modules with a test-time correction.
        return [
            m for m in model.modules()
            if hasattr(m, 'set_posthoc_class_counts')
            and hasattr(m, 'posthoc_tau')
        ]

    def _set_posthoc(self, runner, model, counts, source: str) -> None:
        heads = self._posthoc_heads(model)
        for head in heads:
            head.set_posthoc_class_counts(counts)
        runner.logger.info(
            f'TrainClassCountsHook: test-time prior {source} '
            f'{min(counts):g}..{max(counts):g} ({sum(counts):g} images) -> '
            f'{len(heads)} head(s)')

    def _fill_missing(self, runner, dataloader) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if self.posthoc_counts_key == 'real_class_counts' and any(
                h.posthoc_class_counts is None
                for h in self._posthoc_heads(model)):
            # A run that only evaluates (before_train never ran): the
            # evaluated set's training counts are the real ones.
            real = dataloader.dataset.metainfo.get('train_class_counts')
            if real is None:
                raise ValueError(
                    'TrainClassCountsHook: posthoc_counts_key='
                    "'real_class_counts' in a run that only evaluates needs "
                    "the evaluated dataset's metainfo['train_class_counts'] "
                    '(the test split of a diffult_plugin long-tail dataset).')
            self._set_posthoc(runner, model, real,
                              "evaluated set's train_class_counts")
        missing = [
            m for m in model.modules() if hasattr(m, 'set_class_counts')
            and getattr(m, 'class_counts', None) is not None
            and m.class_counts.numel() == 0
        ]
        if not missing:
            return
        counts = dataloader.dataset.metainfo.get('train_class_counts')
        if counts is None:
            return  # the module raises a clear error if it needs them
        for module in missing:
            module.set_class_counts(counts)
        runner.logger.info(
            'TrainClassCountsHook: training class counts of the evaluated '
            f'dataset -> {len(missing)} module(s) without counts')

    def before_test(self, runner) -> None:
        self._fill_missing(runner, runner.test_dataloader)

    def before_val(self, runner) -> None:
        self._fill_missing(runner, runner.val_dataloader)
