# DiffuLT settings for CIFAR-100-LT IF100 (Shao et al., NeurIPS 2024), shared
# by every diffult+<method>_resnet32_cifar100lt.py. A child config lists a
# classifier recipe and this file as bases, wraps the recipe's training set
# in the proxy and puts the synthesis hook before the recipe's own hooks
# (the config's code sees the merged bases as `_base_`):
#   train_dataloader = dict(dataset=dict(
#       _delete_=True, dataset=_base_.train_dataloader.dataset,
#       **_base_.diffult_proxy))
#   custom_hooks = [_base_.diffult_synthesis, *_base_.custom_hooks]
diffult_target = 500  # N_t (= the head class: a fully balanced proxy)
diffult_synthetic_weight = 0.3  # omega
# The balanced proxy that wraps a classifier recipe's training set.
diffult_proxy = dict(
    type='DiffuLTDataset',
    target=diffult_target,
    synthetic_weight=diffult_synthetic_weight)
diffult_synthesis = dict(
    type='DiffuLTSynthesisHook',
    # phi0 is always the CE model, whatever the classifier's method.
    phi0_config='{{fileDirname}}/../../baselines/ce_resnet32_cifar100lt.py',
    generator_config='{{fileDirname}}/../../diffusion/'
    'diffult-ddpm_unet_cifar100lt.py',
    # The paper names no sampler; the CBDM code it builds on samples with
    # 1000-step ancestral DDPM and CFG, w = 1.4 in its README for this model
    # (not confirmed by DiffuLT).
    sampler='ddpm',
    num_steps=1000,
    guidance_scale=1.4,
    sample_batch_size=500,
    filter=dict(type='DiffuLTFilter', d_f='per_class', keep=('ID', 'AID')))
