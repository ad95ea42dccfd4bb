# CPU protocol v2, DiffuLT + SHIKE: the SHIKE arm (shike_resnet32_cifar10lt-jpg.py)
# trained on the latent DiffuLT arm's proxy (its phi0, autoencoder,
# generator and bank: benchmarks/cpu_protocol.py points stages_dir at that
# arm's seed-0 run; the latent generator is the DiffuLT variant measured
# best on this protocol), every loss
# term weighting synthetic samples by omega, the class priors the
# omega-weighted counts n_real + omega n_syn (TrainClassCountsHook's default
# on a proxy).
_base_ = [
    './shike_resnet32_cifar10lt-jpg.py',
    '../_base_/diffult/cifar10lt-jpg_cpu-latent.py',
]
train_dataloader = dict(dataset=dict(
    _delete_=True, dataset=_base_.train_dataloader.dataset,
    **_base_.diffult_proxy))
# The synthesis hook, then the classifier recipe's own hooks.
custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
