# DiffuLT settings for CIFAR-100-LT IF100 (Shao et al., NeurIPS 2024), shared
# by every diffult+<method>_resnet32_cifar100lt.py. A child config wraps its
# training set and lists the hook:
#   train_dataloader = dict(dataset=dict(
#       _delete_=True, type='DiffuLTDataset',
#       dataset={{_base_.train_dataloader.dataset}},
#       target={{_base_.diffult_target}},
#       synthetic_weight={{_base_.diffult_synthetic_weight}}))
#   custom_hooks = [{{_base_.diffult_synthesis}}, ...]
diffult_target = 500  # N_t (= the head class: a fully balanced proxy)
diffult_synthetic_weight = 0.3  # omega
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
